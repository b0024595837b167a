using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Storage;
using LeakMonitor.IntegrationTests.Infrastructure;
using LeakMonitor.LocalHost;
using Xunit.Abstractions;

namespace LeakMonitor.IntegrationTests;

/// <summary>Faults while leaks are in flight: nothing lost, nothing done twice.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Storage_outage_while_leaks_are_in_flight_loses_none_and_duplicates_none()
    {
        // Its own Azurite on disk, so it can be stopped and restarted with its data, on the same ports.
        var location = Path.Combine(Path.GetTempPath(), "leakmon-fault-" + Guid.NewGuid().ToString("N"));
        (int, int, int) ports = (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        var azurite = await Azurite.StartAsync(location, ports, TextWriter.Null, default);
        try
        {
            await using var host = await TestHost.StartAsync(azurite.ConnectionString);
            await using var receiver = await LoopbackServer.StartAsync();
            receiver.Map("/hook", async context =>
            {
                await Task.Delay(150); // a realistic receiver: keeps a few hits in flight at once
                context.Response.StatusCode = 200;
            });

            const int leaks = 8;
            var store = host.Documents;
            var documents = host.Storage.Queues.GetQueueClient(host.Queue("Documents"));
            var planted = new List<string>();
            for (var i = 0; i < leaks; i++)
            {
                var secret = $"AKIA{i:D4}FAULTTEST{i:D4}XYZ";
                planted.Add(secret);
                await ResponseDriver.RegisterAsync(host, $"aws-{i}", secret, [], receiver.Url("hook").AbsoluteUri);
            }
            await host.WaitForRegistryAsync(leaks);
            foreach (var (secret, i) in planted.Select((s, i) => (s, i)))
            {
                var doc = await store.PutAsync(Encoding.UTF8.GetBytes($"leak {i}\naws_access_key_id={secret}\n"), $"test:{i}", default);
                await documents.SendMessageAsync(JsonSerializer.Serialize(
                    new DocumentMessage(doc.DocumentId, doc.BlobName, "fault-test", $"test:{i}", doc.Length)));
            }

            // Pull the plug once the first webhook arrives, while the rest are in flight.
            await Eventually.UntilAsync(() => !receiver.Requests.IsEmpty, TimeSpan.FromSeconds(60), "the first webhook");
            await azurite.StopGracefullyAsync();
            var stoppedAt = DateTime.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(5)); // the fault itself: five seconds without storage
            await azurite.DisposeAsync();
            azurite = await Azurite.StartAsync(location, ports, TextWriter.Null, default);
            output.WriteLine($"Storage was down for {(DateTime.UtcNow - stoppedAt).TotalSeconds:0.0} s");

            // Every leak is either alerted, or its message is still in a queue: a dequeue whose answer was lost in the
            // outage keeps its message invisible for the trigger's 10-minute lease, after which it is handled. None
            // may be missing, none alerted twice.
            async Task<(int Delivered, int Pending, int Notified)> Progress()
            {
                var pending = 0;
                foreach (var q in new[] { host.Queue("Documents"), host.Queue("Hits") })
                {
                    pending += (await host.Storage.Queues.GetQueueClient(q).GetPropertiesAsync()).Value.ApproximateMessagesCount;
                }
                var incidents = await host.Api.GetFromJsonAsync<JsonElement>("incidents");
                var notified = incidents.EnumerateArray().Count(i => i.GetProperty("status").GetString() == "rotated");
                return (receiver.Requests.Select(r => r.Headers["X-LeakMonitor-Delivery"]).Distinct().Count(), pending, notified);
            }
            var (delivered, pending, notified) = await Eventually.UntilAsync(Progress,
                p => p.Delivered + p.Pending == leaks && p.Notified == p.Delivered, TimeSpan.FromSeconds(90),
                "every leak to be alerted or still queued, and every alerted incident marked rotated");
            output.WriteLine($"{delivered} leaks alerted after recovery, {pending} held by the 10-minute lease, " +
                $"{leaks - delivered - pending} lost");

            var calls = receiver.Requests.GroupBy(r => r.Headers["X-LeakMonitor-Delivery"]).ToList();
            output.WriteLine($"{calls.Count} incidents alerted, {receiver.Requests.Count} webhook calls");
            Assert.All(calls, c => Assert.Single(c));
            Assert.Equal(notified, calls.Count);
        }
        finally
        {
            await azurite.DisposeAsync();
            Directory.Delete(location, recursive: true);
        }
    }

}
