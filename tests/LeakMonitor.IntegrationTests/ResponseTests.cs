using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Response;
using LeakMonitor.Core.Storage;
using LeakMonitor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace LeakMonitor.IntegrationTests;

/// <summary>
/// Rotate, revoke and alert exactly once per leak, on the real local host with loopback rotation, Slack and Teams
/// receivers; hits go straight to the hits queue, duplicated and reordered as at-least-once delivery does.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResponseTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Duplicate_and_reordered_hits_give_one_rotation_and_one_alert_per_channel_per_leak()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        var a = await ResponseDriver.RegisterAsync(host, "payments api key", "pk_live_AAAAexampleexample0001", ResponseDriver.AllResponders(receiver));
        var b = await ResponseDriver.RegisterAsync(host, "ci deploy token", "ghp_BBBBexampleexampleexample0002", ResponseDriver.AllResponders(receiver));

        // Secret A leaks in two documents, B in one; every hit arrives twice, out of order.
        var hits = new[]
        {
            ResponseDriver.Hit(a, "doc2", line: 7), ResponseDriver.Hit(b, "doc1", line: 3), ResponseDriver.Hit(a, "doc1", line: 2),
            ResponseDriver.Hit(a, "doc1", line: 2), ResponseDriver.Hit(b, "doc1", line: 3), ResponseDriver.Hit(a, "doc2", line: 7),
        };
        await ResponseDriver.SendAsync(host, hits);

        // Two of the six open an incident; the other four find everything done ("nothing to do").
        await Eventually.UntilAsync(() => host.Logs.Lines.Count(l => l.Contains("nothing to do", StringComparison.Ordinal)) >= 4,
            Deadline, "all six hits to be handled");
        await Eventually.UntilAsync(() => host.QueueLengthAsync(host.Queue("Hits")), n => n == 0, Deadline, "hits to drain");

        var rotations = receiver.Requests(ScriptedReceiver.Rotate);
        var slack = receiver.Requests(ScriptedReceiver.Slack);
        var teams = receiver.Requests(ScriptedReceiver.Teams);
        output.WriteLine($"6 hit messages (3 distinct, 2 secrets): rotation calls {rotations.Count}, Slack {slack.Count}, Teams {teams.Count}");
        Assert.Equal(2, rotations.Count);
        Assert.Equal(2, slack.Count);
        Assert.Equal(2, teams.Count);
        Assert.Equal(2, rotations.Select(r => r.Headers["Idempotency-Key"]).Distinct().Count());
        Assert.Equal(0, await host.QueueLengthAsync(host.Queue("Hits") + "-poison"));

        // Every rotation call verifies with the team's key, and says what leaked where; never the secret.
        var keyInfo = await host.Api.GetFromJsonAsync<JsonElement>("webhook-key");
        var key = Convert.FromBase64String(keyInfo.GetProperty("key").GetString()!);
        foreach (var call in rotations)
        {
            Assert.True(WebhookSigner.Verify(key, call.Headers[WebhookSigner.SignatureHeader],
                call.Headers[WebhookSigner.TimestampHeader], call.Body, DateTimeOffset.UtcNow));
            var payload = JsonDocument.Parse(call.Body).RootElement;
            Assert.Equal(call.Headers["Idempotency-Key"], payload.GetProperty("incidentId").GetString());
            Assert.Equal("fpv1", payload.GetProperty("fingerprintVersion").GetString());
            Assert.Contains(payload.GetProperty("secretId").GetString(), new[] { a, b });
            Assert.StartsWith("https://pastes.example/raw/doc", payload.GetProperty("source").GetProperty("url").GetString());
        }

        // Slack gets Block Kit with a fallback text; Teams gets an Adaptive Card in a message attachment.
        foreach (var message in slack.Select(m => JsonDocument.Parse(m.Body).RootElement))
        {
            Assert.Contains("Leaked secret", message.GetProperty("text").GetString());
            Assert.Equal("header", message.GetProperty("blocks")[0].GetProperty("type").GetString());
        }
        foreach (var message in teams.Select(m => JsonDocument.Parse(m.Body).RootElement))
        {
            Assert.Equal("message", message.GetProperty("type").GetString());
            var attachment = message.GetProperty("attachments")[0];
            Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
            Assert.Equal("AdaptiveCard", attachment.GetProperty("content").GetProperty("type").GetString());
        }

        // One incident per secret: A's has two occurrences, both rotated.
        var incidents = (await ResponseDriver.IncidentsAsync(host)).EnumerateArray().ToList();
        Assert.Equal(2, incidents.Count);
        Assert.All(incidents, i => Assert.Equal("rotated", i.GetProperty("status").GetString()));
        var incidentA = incidents.Single(i => i.GetProperty("secretId").GetString() == a).GetProperty("id").GetString();
        var detail = await host.Api.GetFromJsonAsync<JsonElement>($"incidents/{incidentA}");
        Assert.Equal(["doc1", "doc2"], detail.GetProperty("occurrences").EnumerateArray()
            .Select(o => o.GetProperty("documentId").GetString()).Order());
        Assert.Equal(2, detail.GetProperty("alerts").GetProperty("channels").GetArrayLength());

        foreach (var secret in new[] { "pk_live_AAAAexampleexample0001", "ghp_BBBBexampleexampleexample0002" })
        {
            Assert.DoesNotContain(receiver.Server.Requests, r => Encoding.UTF8.GetString(r.Body).Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Receivers_failing_with_500_timeouts_and_throttling_end_in_exactly_one_success_each()
    {
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Webhooks:Timeout"] = "00:00:01";
            s["Alerts:Timeout"] = "00:00:01";
        });
        await using var receiver = await ScriptedReceiver.StartAsync();
        receiver.Script(ScriptedReceiver.Rotate, ScriptedReceiver.Status(500), ScriptedReceiver.Hang(TimeSpan.FromSeconds(5)),
            ScriptedReceiver.Status(202, """{"rotated":true,"newVersion":"v2"}"""));
        receiver.Script(ScriptedReceiver.Slack, ScriptedReceiver.Status(429, "rate_limited", retryAfter: "1"),
            ScriptedReceiver.Status(500), ScriptedReceiver.Status(200, "ok"));
        receiver.Script(ScriptedReceiver.Teams, ScriptedReceiver.ThrottledInBody(), ScriptedReceiver.Status(202));
        var id = await ResponseDriver.RegisterAsync(host, "db password", "correct-horse-battery-staple-01", ResponseDriver.AllResponders(receiver));

        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(id, "doc1")]);
        await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            list => list.GetArrayLength() == 1 && list[0].GetProperty("alerts").GetProperty("channels").GetArrayLength() == 2,
            Deadline, "the incident to be rotated and both channels alerted");

        output.WriteLine($"rotation: {receiver.Requests(ScriptedReceiver.Rotate).Count} requests, {receiver.Successes(ScriptedReceiver.Rotate)} success; " +
            $"Slack: {receiver.Requests(ScriptedReceiver.Slack).Count} requests, {receiver.Successes(ScriptedReceiver.Slack)} success; " +
            $"Teams: {receiver.Requests(ScriptedReceiver.Teams).Count} requests, {receiver.Successes(ScriptedReceiver.Teams)} success");
        Assert.Equal(3, receiver.Requests(ScriptedReceiver.Rotate).Count);
        Assert.Equal(1, receiver.Successes(ScriptedReceiver.Rotate));
        Assert.Equal(3, receiver.Requests(ScriptedReceiver.Slack).Count);
        Assert.Equal(1, receiver.Successes(ScriptedReceiver.Slack));
        Assert.Equal(2, receiver.Requests(ScriptedReceiver.Teams).Count);
        Assert.Equal(1, receiver.Successes(ScriptedReceiver.Teams));
        // All retries of one delivery carry the same idempotency key; each is freshly signed.
        Assert.Single(receiver.Requests(ScriptedReceiver.Rotate).Select(r => r.Headers["Idempotency-Key"]).Distinct());

        var incident = (await ResponseDriver.IncidentsAsync(host))[0];
        Assert.Equal("rotated", incident.GetProperty("status").GetString());
        var webhook = incident.GetProperty("webhook");
        Assert.Equal(202, webhook.GetProperty("statusCode").GetInt32());
        Assert.Contains("newVersion", webhook.GetProperty("answer").GetString());
        Assert.Equal(1, webhook.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Receivers_refusing_connections_longer_than_one_delivery_rotate_once_and_alert_once_when_back()
    {
        // Retries as deployed (1 + 3 attempts, jittered from 500 ms); between deliveries the tests' 200 ms visibility
        // delay and maxDequeueCount 3 stand in for host.json's 5 s and 5.
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        var id = await ResponseDriver.RegisterAsync(host, "queue password", "amqp-pass-EEEEexampleexample0005", ResponseDriver.AllResponders(receiver));

        // Rotation, Slack and Teams all refuse connections (the port is closed) ...
        await receiver.Server.GoDownAsync();
        var down = System.Diagnostics.Stopwatch.StartNew();
        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(id, "doc1")]);
        // ... for longer than one delivery: its rotation retries and both channels' retries all fail.
        var failed = await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            list => list.GetArrayLength() == 1 && list[0].GetProperty("status").GetString() == "rotation-failed"
                && list[0].GetProperty("alerts").GetProperty("error").GetString() is { Length: > 0 },
            Deadline, "a first delivery to fail its rotation and both alerts");
        output.WriteLine($"first delivery failed after {down.Elapsed.TotalSeconds:0.0} s: " +
            failed[0].GetProperty("webhook").GetProperty("error").GetString());

        // Back on the same port while the next delivery retries its rotation (the incident says "rotating" while a
        // call is in flight): that retry gets through, before any alert of that delivery. (Coming back between a
        // delivery's last failed rotation attempt and its alerts would send a ROTATION FAILED alert, and the rotation
        // that succeeds on the next delivery adds no second alert: one alert per channel per incident.)
        await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            list => list[0].GetProperty("status").GetString() == "rotating", Deadline, "the next delivery to retry the rotation");
        await receiver.Server.ComeBackAsync();
        output.WriteLine($"receivers down for {down.Elapsed.TotalSeconds:0.0} s");
        var incident = (await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            list => list[0].GetProperty("status").GetString() == "rotated"
                && list[0].GetProperty("alerts").GetProperty("channels").GetArrayLength() == 2,
            Deadline, "the incident to be rotated and both channels alerted after the receivers came back"))[0];
        await Eventually.UntilAsync(() => host.QueueLengthAsync(host.Queue("Hits")), n => n == 0, Deadline, "hits to drain");
        output.WriteLine($"rotated and alerted {down.Elapsed.TotalSeconds:0.0} s after the outage began, after " +
            $"{incident.GetProperty("webhook").GetProperty("attempts").GetInt32()} deliveries");

        // Nothing reached the closed port; after it, one rotation call and one alert per channel, all accepted.
        var rotations = receiver.Requests(ScriptedReceiver.Rotate);
        Assert.Single(rotations);
        Assert.Equal(incident.GetProperty("id").GetString(), rotations[0].Headers["Idempotency-Key"]);
        Assert.Equal(1, receiver.Successes(ScriptedReceiver.Rotate));
        var slack = Assert.Single(receiver.Requests(ScriptedReceiver.Slack));
        Assert.Single(receiver.Requests(ScriptedReceiver.Teams));
        // The alert goes out with the rotation's real outcome: the failed first delivery alerted nobody.
        Assert.DoesNotContain("ROTATION FAILED", JsonDocument.Parse(slack.Body).RootElement.GetProperty("text").GetString());
        Assert.True(incident.GetProperty("webhook").GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal("", incident.GetProperty("alerts").GetProperty("error").GetString());
        Assert.Equal(0, await host.QueueLengthAsync(host.Queue("Hits") + "-poison"));
    }

    [Fact]
    public async Task Receivers_answering_slowly_within_the_attempt_timeout_are_called_once_each()
    {
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Webhooks:Timeout"] = "00:00:05";
            s["Alerts:Timeout"] = "00:00:05";
        });
        await using var receiver = await ScriptedReceiver.StartAsync();
        var slow = TimeSpan.FromSeconds(2);
        receiver.Script(ScriptedReceiver.Rotate, ScriptedReceiver.Slow(slow, 202, """{"rotated":true}"""));
        receiver.Script(ScriptedReceiver.Slack, ScriptedReceiver.Slow(slow, 200, "ok"));
        receiver.Script(ScriptedReceiver.Teams, ScriptedReceiver.Slow(slow, 202));
        var id = await ResponseDriver.RegisterAsync(host, "smtp password", "smtp-pass-FFFFexampleexample0006", ResponseDriver.AllResponders(receiver));

        var sent = System.Diagnostics.Stopwatch.StartNew();
        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(id, "doc1")]);
        var incident = (await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            list => list.GetArrayLength() == 1 && list[0].GetProperty("status").GetString() == "rotated"
                && list[0].GetProperty("alerts").GetProperty("channels").GetArrayLength() == 2,
            Deadline, "the incident to be rotated and both channels alerted"))[0];
        await Eventually.UntilAsync(() => host.QueueLengthAsync(host.Queue("Hits")), n => n == 0, Deadline, "hits to drain");
        output.WriteLine($"three receivers answering after {slow.TotalSeconds:0} s each: done in {sent.Elapsed.TotalSeconds:0.0} s");

        Assert.Single(receiver.Requests(ScriptedReceiver.Rotate));
        Assert.Single(receiver.Requests(ScriptedReceiver.Slack));
        Assert.Single(receiver.Requests(ScriptedReceiver.Teams));
        Assert.Equal(1, incident.GetProperty("webhook").GetProperty("attempts").GetInt32());
        Assert.Equal(0, await host.QueueLengthAsync(host.Queue("Hits") + "-poison"));
    }

    [Fact]
    public async Task Permanently_failing_rotation_ends_in_rotation_failed_one_escalation_and_the_hit_in_poison()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        receiver.Script(ScriptedReceiver.Rotate, ScriptedReceiver.Status(500, "rotation backend down"));
        var id = await ResponseDriver.RegisterAsync(host, "signing key", "sigkey-DDDDexampleexample0004", ResponseDriver.AllResponders(receiver));

        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(id, "doc1")]);
        var poison = host.Queue("Hits") + "-poison";
        await Eventually.UntilAsync(() => host.QueueLengthAsync(poison), n => n == 1, Deadline, "the hit to reach hits-poison");

        // maxDequeueCount is 3 in tests: three deliveries, each with 1 + 3 Polly attempts.
        var rotations = receiver.Requests(ScriptedReceiver.Rotate).Count;
        var slack = receiver.Requests(ScriptedReceiver.Slack);
        var teams = receiver.Requests(ScriptedReceiver.Teams);
        output.WriteLine($"rotation requests {rotations} (0 successes), Slack {slack.Count}, Teams {teams.Count}, poison {await host.QueueLengthAsync(poison)}");
        Assert.Equal(12, rotations);
        Assert.Equal(0, receiver.Successes(ScriptedReceiver.Rotate));
        var alert = Assert.Single(slack);
        Assert.Contains("ROTATION FAILED", JsonDocument.Parse(alert.Body).RootElement.GetProperty("text").GetString());
        Assert.Contains("rotation failed", Encoding.UTF8.GetString(Assert.Single(teams).Body));

        var parked = (await host.Storage.Queues.GetQueueClient(poison).PeekMessagesAsync()).Value.Single();
        Assert.Equal(id, parked.Body.ToObjectFromJson<HitMessage>()!.FingerprintId);
        var incident = (await ResponseDriver.IncidentsAsync(host, "?status=rotation-failed"))[0];
        var webhook = incident.GetProperty("webhook");
        Assert.Equal(3, webhook.GetProperty("attempts").GetInt32());
        Assert.Equal(500, webhook.GetProperty("statusCode").GetInt32());
        Assert.Equal("rotation backend down", webhook.GetProperty("answer").GetString());
        Assert.NotEqual(JsonValueKind.Null, incident.GetProperty("alerts").GetProperty("escalatedAt").ValueKind);
    }

    [Fact]
    public async Task Rotation_that_succeeds_on_a_later_delivery_after_a_failure_alert_says_so_once_per_channel()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        // The first delivery's four attempts fail; the second delivery's first attempt is answered.
        var down = ScriptedReceiver.Status(500, "rotation backend down");
        receiver.Script(ScriptedReceiver.Rotate, down, down, down, down, ScriptedReceiver.Status(202, """{"rotated":true}"""));
        var id = await ResponseDriver.RegisterAsync(host, "deploy key", "deploykey-GGGGexampleexample0007", ResponseDriver.AllResponders(receiver));

        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(id, "doc1")]);
        await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host, "?status=rotated"),
            list => list.GetArrayLength() == 1, Deadline, "the rotation to succeed on a later delivery");
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Requests(ScriptedReceiver.Teams).Count), n => n >= 2,
            Deadline, "the follow-up alerts");
        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(id, "doc2")]); // a later sighting: nothing new to say
        await Eventually.UntilAsync(() => host.QueueLengthAsync(host.Queue("Hits")), n => n == 0, Deadline, "hits to drain");
        await Eventually.UntilAsync(() => host.Logs.Lines.Any(l => l.Contains("nothing to do", StringComparison.Ordinal)),
            Deadline, "the second sighting to be handled");

        var slack = receiver.Requests(ScriptedReceiver.Slack);
        var teams = receiver.Requests(ScriptedReceiver.Teams);
        Assert.Equal(2, slack.Count);
        Assert.Equal(2, teams.Count);
        Assert.Contains("ROTATION FAILED", JsonDocument.Parse(slack[0].Body).RootElement.GetProperty("text").GetString());
        Assert.Contains("succeeded after all", JsonDocument.Parse(slack[1].Body).RootElement.GetProperty("text").GetString());
        Assert.Contains("succeeded after all", Encoding.UTF8.GetString(teams[1].Body));
        Assert.Equal(5, receiver.Requests(ScriptedReceiver.Rotate).Count);
        Assert.Single(receiver.Requests(ScriptedReceiver.Rotate).Select(r => r.Headers["Idempotency-Key"]).Distinct());
        Assert.Equal(0, await host.QueueLengthAsync(host.Queue("Hits") + "-poison"));
    }

    [Fact]
    public async Task A_document_flooding_a_team_with_secrets_sends_one_digest_per_channel_and_rotates_each_secret()
    {
        const int Secrets = 12; // above the default digest threshold of 10
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        var secrets = Enumerable.Range(0, Secrets).Select(i => $"combo_{i:D2}_{Guid.NewGuid():N}").ToList();
        var ids = new List<string>();
        foreach (var (secret, i) in secrets.Select((s, i) => (s, i)))
        {
            ids.Add(await ResponseDriver.RegisterAsync(host, $"service account {i}", secret, ResponseDriver.AllResponders(receiver)));
        }

        // A combo list: the real matcher scans it and tells each hit how many of the team's secrets it holds.
        var store = host.Services.GetService(typeof(DocumentStore)) as DocumentStore;
        var dump = string.Concat(secrets.Select((s, i) => $"user{i}@example.com:{s}\n"));
        var stored = await store!.PutAsync(Encoding.UTF8.GetBytes(dump), "https://pastes.example/raw/combo", default);
        var documents = host.Storage.Queues.GetQueueClient(host.Queue("Documents"));
        await documents.SendMessageAsync(JsonSerializer.Serialize(new DocumentMessage(stored.DocumentId, stored.BlobName,
            "src-1", "https://pastes.example/raw/combo", stored.Length)));

        await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            list => list.GetArrayLength() == Secrets && list.EnumerateArray().All(i =>
                i.GetProperty("status").GetString() == "rotated"
                && i.GetProperty("alerts").GetProperty("channels").GetArrayLength() == 2),
            Deadline, "every secret to be rotated and covered by the digest");

        var slack = receiver.Requests(ScriptedReceiver.Slack);
        var teams = receiver.Requests(ScriptedReceiver.Teams);
        var rotations = receiver.Requests(ScriptedReceiver.Rotate);
        output.WriteLine($"{Secrets} secrets in one document: rotation calls {rotations.Count}, Slack {slack.Count}, Teams {teams.Count}");
        Assert.Equal(Secrets, rotations.Count);
        Assert.Equal(Secrets, rotations.Select(r => r.Headers["Idempotency-Key"]).Distinct().Count());
        var digest = JsonDocument.Parse(Assert.Single(slack).Body).RootElement.GetProperty("text").GetString();
        Assert.Contains($"{Secrets} registered secrets of team blue-team leaked in one document", digest);
        Assert.Contains($"{Secrets} registered secrets", Encoding.UTF8.GetString(Assert.Single(teams).Body));
        Assert.DoesNotContain(receiver.Server.Requests, r => secrets.Any(s => Encoding.UTF8.GetString(r.Body).Contains(s, StringComparison.Ordinal)));
        Assert.DoesNotContain(host.Logs.Lines, l => secrets.Any(s => l.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_flood_whose_rotations_all_fail_escalates_once_per_channel_and_parks_every_hit()
    {
        const int Secrets = 12;
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        receiver.Script(ScriptedReceiver.Rotate, ScriptedReceiver.Status(503));
        var ids = new List<string>();
        for (var i = 0; i < Secrets; i++)
        {
            ids.Add(await ResponseDriver.RegisterAsync(host, $"account {i}", $"flood_{i:D2}_{Guid.NewGuid():N}", ResponseDriver.AllResponders(receiver)));
        }
        await ResponseDriver.SendAsync(host, ids.Select((id, i) => ResponseDriver.Hit(id, "combo", line: i + 1, documentHits: Secrets)));

        var poison = host.Queue("Hits") + "-poison";
        await Eventually.UntilAsync(() => host.QueueLengthAsync(poison), n => n == Secrets, Deadline, "every hit to reach hits-poison");
        var slack = receiver.Requests(ScriptedReceiver.Slack).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("text").GetString()!).ToList();
        var teams = receiver.Requests(ScriptedReceiver.Teams);
        output.WriteLine($"{Secrets} secrets, all rotations failing: rotation requests {receiver.Requests(ScriptedReceiver.Rotate).Count}, Slack {slack.Count}, Teams {teams.Count}, poison {Secrets}");
        Assert.Equal(2, slack.Count);
        Assert.Single(slack, t => t.StartsWith($"{Secrets} registered secrets", StringComparison.Ordinal));
        Assert.Single(slack, t => t.StartsWith("Rotation failed for secrets leaked in one document", StringComparison.Ordinal)
            && t.Contains("ROTATION FAILED", StringComparison.Ordinal));
        Assert.Equal(2, teams.Count);
        Assert.Equal(Secrets * 3 * 4, receiver.Requests(ScriptedReceiver.Rotate).Count); // 3 deliveries × (1 + 3 retries)
        var failed = await ResponseDriver.IncidentsAsync(host, "?status=rotation-failed");
        Assert.Equal(Secrets, failed.GetArrayLength());
        Assert.All(failed.EnumerateArray(), i => Assert.Equal(3, i.GetProperty("webhook").GetProperty("attempts").GetInt32()));
    }
}
