using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Storage;
using LeakMonitor.IntegrationTests.Infrastructure;
using LeakMonitor.LocalHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LeakMonitor.IntegrationTests;

/// <summary>
/// The host process dies (SIGKILL) between receiving a message and completing it: the message comes back and its
/// effect happens once. The host is <c>leakmon serve</c> as a real child process on a test-owned Azurite that keeps
/// its data on disk.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostCrashTests(ITestOutputHelper output)
{
    // Planted in a document; it must reach no log, queue, table or blob other than the document itself.
    private const string Secret = "ghp_KilledMidMessageT0ken0000000000000042";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Host_killed_during_the_rotation_call_redelivers_the_hit_and_rotates_and_alerts_once()
    {
        var location = Path.Combine(Path.GetTempPath(), "leakmon-crash-" + Guid.NewGuid().ToString("N"));
        (int, int, int) ports = (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        var azurite = await Azurite.StartAsync(location, ports, TextWriter.Null, default);
        try
        {
            await using var receiver = await ScriptedReceiver.StartAsync();
            var prefix = TestHost.NewPrefix();
            var settings = TestHost.DefaultSettings(azurite.ConnectionString, prefix, "test-api-key-" + prefix);
            var hits = settings["Queues:Hits"]!;
            await using var first = await ServeProcess.StartAsync(settings);

            // The kill point: the incident is saved (status rotating) and the signed webhook is on the wire; the host
            // has neither the answer nor completed the hit message. The receiver itself pulls the plug, then hangs up.
            receiver.Script(ScriptedReceiver.Rotate,
                async context =>
                {
                    await first.KillAsync();
                    context.Abort();
                },
                ScriptedReceiver.Status(202, """{"rotated":true}"""));
            await ResponseDriver.RegisterAsync(first.Api, "ci deploy token", Secret, ResponseDriver.AllResponders(receiver));
            using var storage = ServeProcess.StorageServices(settings);
            var document = await storage.GetRequiredService<DocumentStore>().PutAsync(
                Encoding.UTF8.GetBytes($"# deploy.env\nGITHUB_TOKEN={Secret}\n"), "https://pastes.example/raw/crash", default);
            await storage.GetRequiredService<StorageAccount>().Queues.GetQueueClient(settings["Queues:Documents"])
                .SendMessageAsync(JsonSerializer.Serialize(new DocumentMessage(document.DocumentId, document.BlobName,
                    "src-1", "https://pastes.example/raw/crash", document.Length)));

            await Eventually.UntilAsync(() => first.HasExited, Deadline, "the host to be killed by the rotation call");
            await azurite.StopGracefullyAsync();
            await azurite.DisposeAsync();

            // The lease, fast-forwarded: see AzuriteLeases. The hit was dequeued once under the 10-minute lease the
            // WebJobs listener takes, and never completed.
            var now = DateTimeOffset.UtcNow;
            var leased = AzuriteLeases.ExpireAll(location, prefix, now);
            output.WriteLine("leased at the kill: " + string.Join(", ", leased.Select(m =>
                $"{m.Queue} (dequeued {m.DequeueCount}x, visible in {(m.VisibleAt - now).TotalMinutes:0.0} min)")));
            var lease = Assert.Single(leased, m => m.Queue == hits);
            Assert.Equal(1, lease.DequeueCount);
            Assert.True(lease.VisibleAt - now > TimeSpan.FromMinutes(9), $"lease ends {lease.VisibleAt:O}");
            azurite = await Azurite.StartAsync(location, ports, TextWriter.Null, default);

            var restarted = DateTime.UtcNow;
            await using var second = await ServeProcess.StartAsync(settings);
            var incident = (await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(second.Api),
                list => list.GetArrayLength() == 1 && list[0].GetProperty("status").GetString() == "rotated"
                    && list[0].GetProperty("alerts").GetProperty("channels").GetArrayLength() == 2,
                Deadline, "the redelivered hit to rotate the incident and alert both channels"))[0];
            var probe = new StorageProbe(storage.GetRequiredService<StorageAccount>(), prefix);
            await Eventually.UntilAsync(async () => await probe.QueueLengthAsync(hits) + await probe.QueueLengthAsync(settings["Queues:Documents"]!),
                n => n == 0, Deadline, "the queues to drain");
            output.WriteLine($"after the restart: rotated and alerted in {(DateTime.UtcNow - restarted).TotalSeconds:0.0} s (host start included)");

            // Redelivered, not re-sent: the same message, now on its second delivery.
            Assert.Contains(second.Lines, l => l.Contains("DequeueCount: 2", StringComparison.Ordinal) && l.Contains(lease.MessageId, StringComparison.Ordinal));
            var rotations = receiver.Requests(ScriptedReceiver.Rotate);
            output.WriteLine($"rotation calls {rotations.Count} (one killed the host), Slack {receiver.Requests(ScriptedReceiver.Slack).Count}, " +
                $"Teams {receiver.Requests(ScriptedReceiver.Teams).Count}");
            Assert.Equal(2, rotations.Count);
            Assert.Single(rotations.Select(r => r.Headers["Idempotency-Key"]).Distinct());
            Assert.Equal(incident.GetProperty("id").GetString(), rotations[0].Headers["Idempotency-Key"]);
            Assert.Equal(1, receiver.Successes(ScriptedReceiver.Rotate));
            // Alerts go after the rotation's outcome is known, so the killed delivery sent none: one each, in total.
            Assert.Single(receiver.Requests(ScriptedReceiver.Slack));
            Assert.Single(receiver.Requests(ScriptedReceiver.Teams));
            // The killed call left no outcome behind (the incident was saved before the call): one recorded attempt.
            Assert.Equal(1, incident.GetProperty("webhook").GetProperty("attempts").GetInt32());
            Assert.Equal(0, await probe.QueueLengthAsync(hits + "-poison"));
            Assert.Equal(0, await probe.QueueLengthAsync(settings["Queues:Documents"] + "-poison"));

            var everywhere = first.Lines.Concat(second.Lines).Concat(await probe.PeekAllQueuesAsync()).Concat(await probe.DumpAllTablesAsync())
                .Concat(await probe.DumpAllBlobsAsync(except: storage.GetRequiredService<StorageNames>().DocumentsContainer))
                .Concat(receiver.Server.Requests.Select(r => Encoding.UTF8.GetString(r.Body)));
            Assert.DoesNotContain(everywhere, text => text.Contains(Secret, StringComparison.Ordinal));
        }
        finally
        {
            await azurite.DisposeAsync();
            Directory.Delete(location, recursive: true);
        }
    }
}
