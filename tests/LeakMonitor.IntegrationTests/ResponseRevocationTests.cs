using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Storage;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.IntegrationTests;

/// <summary>The github responder: a leaked GitHub token is revoked through the credential revocation API, once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResponseRevocationTests(AzuriteFixture azurite)
{
    private const string Token = "ghp_Zq9RevokeMeInTests0123456789abcdefAB";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_leaked_github_token_is_revoked_once_with_the_token_read_back_from_the_document()
    {
        await using var github = await ScriptedReceiver.StartAsync();
        github.Server.Map("credentials/revoke", context => { context.Response.StatusCode = 202; return Task.CompletedTask; });
        await using var host = await TestHost.StartAsync(azurite, s => s["GitHub:ApiBaseUrl"] = github.Server.BaseUrl.AbsoluteUri);
        await using var receiver = await ScriptedReceiver.StartAsync();
        var id = await ResponseDriver.RegisterAsync(host, "ci github token", Token,
            [new { type = "github" }, new { type = "slack", url = receiver.Url(ScriptedReceiver.Slack) }]);

        var (documentId, offset) = await StoreAsync(host, $"# leaked.env\nFOO=bar\nGITHUB_TOKEN={Token}\n", Token);
        var hit = new HitMessage("blue-team", id, documentId, "src", "https://pastes.example/raw/gh", 3, offset, "plain",
            DateTimeOffset.UtcNow, 1);
        await ResponseDriver.SendAsync(host, [hit, hit]);

        await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            l => l.GetArrayLength() == 1 && l[0].GetProperty("revocation").ValueKind == JsonValueKind.Object
                && l[0].GetProperty("alerts").GetProperty("channels").GetArrayLength() == 1,
            Deadline, "the token to be revoked and the channel alerted");
        await Eventually.UntilAsync(() => host.Logs.Lines.Any(l => l.Contains("nothing to do", StringComparison.Ordinal)),
            Deadline, "the duplicate hit to be handled");

        var call = Assert.Single(github.Server.Requests);
        Assert.Equal("/credentials/revoke", call.Path);
        Assert.Equal("application/vnd.github+json", call.Headers["Accept"]);
        var credentials = JsonDocument.Parse(call.Body).RootElement.GetProperty("credentials");
        Assert.Equal(Token, Assert.Single(credentials.EnumerateArray()).GetString());
        var incident = (await ResponseDriver.IncidentsAsync(host))[0].GetProperty("revocation");
        Assert.Equal(202, incident.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.String, incident.GetProperty("revokedAt").ValueKind);

        // GitHub is the only place the token goes: not the alert, a log line, a queue message or a table row.
        Assert.DoesNotContain(receiver.Server.Requests, r => Encoding.UTF8.GetString(r.Body).Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(await host.PeekAllQueuesAsync(), m => m.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(await host.DumpAllTablesAsync(), row => row.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nothing_is_sent_to_github_when_the_bytes_at_the_offset_are_not_the_registered_token()
    {
        await using var github = await ScriptedReceiver.StartAsync();
        github.Server.Map("credentials/revoke", context => { context.Response.StatusCode = 202; return Task.CompletedTask; });
        await using var host = await TestHost.StartAsync(azurite, s => s["GitHub:ApiBaseUrl"] = github.Server.BaseUrl.AbsoluteUri);
        var id = await ResponseDriver.RegisterAsync(host, "ci github token", Token, [new { type = "github" }]);

        // A forged or shifted hit: the offset points one byte off, at something that is not the registered secret.
        var (documentId, offset) = await StoreAsync(host, $"x GITHUB_TOKEN={Token}\n", Token);
        await ResponseDriver.SendAsync(host, [new HitMessage("blue-team", id, documentId, "src", "https://p.example/x", 1,
            offset + 1, "plain", DateTimeOffset.UtcNow, 1)]);

        var list = await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host),
            l => l.GetArrayLength() == 1 && l[0].GetProperty("revocation").ValueKind == JsonValueKind.Object,
            Deadline, "the revocation outcome to be recorded");
        Assert.Contains("not the registered secret", list[0].GetProperty("revocation").GetProperty("error").GetString());
        Assert.Empty(github.Server.Requests);
    }

    private static async Task<(string DocumentId, long Offset)> StoreAsync(TestHost host, string text, string secret)
    {
        var stored = await host.Services.GetRequiredService<DocumentStore>()
            .PutAsync(Encoding.UTF8.GetBytes(text), "https://pastes.example/raw/gh", default);
        return (stored.DocumentId, Encoding.UTF8.GetByteCount(text[..text.IndexOf(secret, StringComparison.Ordinal)]));
    }
}
