using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Cli.Commands;
using LeakMonitor.Core.Response;
using LeakMonitor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace LeakMonitor.IntegrationTests;

/// <summary>The whole pipeline on the local host: paste site → crawler → matcher → hit handler → webhook.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EndToEndTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    // Planted secrets live only in tests; the assertions below prove they never reach logs, queues or tables.
    private const string Secret = "ghp_R3alLo0kingT0kenF0rTests1234567890ab";
    private const string OtherSecret = "sk_live_51HxTestOnlyNotARealKey0000aaaa";

    [Fact]
    public async Task Paste_with_a_registered_secret_reaches_the_webhook_exactly_once_correctly_signed()
    {
        var salt = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        await using var host = await TestHost.StartAsync(azurite, s => s["Fingerprints:Salt"] = salt);
        await using var site = await LoopbackServer.StartAsync();
        await using var receiver = await LoopbackServer.StartAsync();
        receiver.Map("/rotate", context => { context.Response.StatusCode = 202; return Task.CompletedTask; });

        // A team fingerprints its secret locally (the CLI contract) and registers only the fingerprint.
        var fingerprint = Fingerprint("github-ci-token", Secret, salt);
        var registered = await host.Api.PostAsJsonAsync("fingerprints", new
        {
            label = fingerprint.GetProperty("label").GetString(),
            fingerprint = fingerprint.GetProperty("fingerprint").GetString(),
            length = fingerprint.GetProperty("length").GetInt32(),
            webhookUrl = receiver.Url("rotate").AbsoluteUri,
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var secretId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // The paste site: a feed listing two pastes, one harmless, one leaking the secret in a config file.
        var pastes = new Dictionary<string, string>
        {
            ["/raw/aaaa"] = "just some notes\nnothing to see here\n",
            ["/raw/bbbb"] = $"# deploy.env\nGITHUB_TOKEN={Secret}\nOTHER={OtherSecret.Replace("sk_", "xx_")}\n",
        };
        foreach (var (path, text) in pastes)
        {
            site.MapText(path, "text/plain", () => text);
        }
        site.MapText("/feed.xml", "application/rss+xml", () => Rss(site, pastes.Keys));

        var published = Stopwatch.StartNew();
        var source = await host.Api.PostAsJsonAsync("sources", new
        {
            name = "loopback pastes",
            kind = "feed",
            url = site.Url("feed.xml").AbsoluteUri,
            intervalMinutes = 60,
        });
        Assert.Equal(HttpStatusCode.Created, source.StatusCode);

        await Eventually.UntilAsync(() => receiver.Requests.Any(r => r.Path == "/rotate"), TimeSpan.FromSeconds(60),
            "the rotation webhook to be called");
        var latency = published.Elapsed;
        output.WriteLine($"End-to-end latency (source registered with the paste already published → webhook received): {latency.TotalMilliseconds:0} ms");

        // Redelivery: the same document message again must not call the webhook a second time.
        var documents = host.Storage.Queues.GetQueueClient(host.Queue("Documents"));
        var documentId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(pastes["/raw/bbbb"])));
        await documents.SendMessageAsync(JsonSerializer.Serialize(new Core.Storage.DocumentMessage(documentId,
            $"{documentId[..2]}/{documentId}", "replayed", site.Url("raw/bbbb").AbsoluteUri, 0)));
        await Eventually.UntilAsync(async () => await host.QueueLengthAsync(host.Queue("Documents"))
            + await host.QueueLengthAsync(host.Queue("Hits")), n => n == 0, TimeSpan.FromSeconds(30), "queues to drain");
        await Eventually.UntilAsync(() => host.Logs.Lines.Count(l => l.Contains("nothing to do", StringComparison.Ordinal)) >= 1,
            TimeSpan.FromSeconds(30), "the replayed hit to be handled");

        var calls = receiver.Requests.Where(r => r.Path == "/rotate").ToList();
        var call = Assert.Single(calls);

        // The signature verifies with the team's key from the API, and the payload says what leaked where.
        var keyInfo = await host.Api.GetFromJsonAsync<JsonElement>("webhook-key");
        var key = Convert.FromBase64String(keyInfo.GetProperty("key").GetString()!);
        Assert.True(WebhookSigner.Verify(key, call.Headers[WebhookSigner.SignatureHeader],
            call.Headers[WebhookSigner.TimestampHeader], call.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookSigner.Verify(key, call.Headers[WebhookSigner.SignatureHeader],
            call.Headers[WebhookSigner.TimestampHeader], [.. call.Body, (byte)' '], DateTimeOffset.UtcNow));
        var payload = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal("leak.detected", payload.GetProperty("type").GetString());
        Assert.Equal(secretId, payload.GetProperty("secretId").GetString());
        Assert.Equal("github-ci-token", payload.GetProperty("label").GetString());
        Assert.Equal(site.Url("raw/bbbb").AbsoluteUri, payload.GetProperty("source").GetProperty("url").GetString());
        Assert.Equal(2, payload.GetProperty("line").GetInt64());
        Assert.Equal(payload.GetProperty("incidentId").GetString(), call.Headers[WebhookSigner.DeliveryHeader]);

        var incidents = await host.Api.GetFromJsonAsync<JsonElement>("incidents");
        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal("rotated", incident.GetProperty("status").GetString());

        // The secret never reached a log line, a queue message or a table row.
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(await host.PeekAllQueuesAsync(), m => m.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(await host.DumpAllTablesAsync(), row => row.Contains(Secret, StringComparison.Ordinal));
        Assert.NotEmpty(host.Logs.Lines);
    }

    internal static JsonElement Fingerprint(string label, string secret, string salt)
    {
        var stdout = new StringWriter();
        var exit = FingerprintCommand.Run(salt, new StringReader(JsonSerializer.Serialize(new { label, secret })),
            stdout, new StringWriter());
        Assert.Equal(0, exit);
        Assert.DoesNotContain(secret, stdout.ToString(), StringComparison.Ordinal);
        return JsonDocument.Parse(stdout.ToString()).RootElement.Clone();
    }

    internal static string Rss(LoopbackServer site, IEnumerable<string> paths)
    {
        var items = string.Concat(paths.Select(p =>
            $"<item><title>paste {p}</title><link>{site.Url(p.TrimStart('/')).AbsoluteUri}</link><guid>{p}</guid></item>"));
        return $"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>pastes</title>{items}</channel></rss>";
    }
}
