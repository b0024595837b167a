using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests;

/// <summary>Responders at registration: validated like webhooks, at most one rotation call, channel URLs not echoed.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResponseRegistrationTests(AzuriteFixture azurite)
{
    private static readonly string Fingerprint = FingerprintScheme.Format(
        FingerprintScheme.Hash(FingerprintScheme.DevelopmentSalt, "registration-test-secret"u8));

    [Fact]
    public async Task Responders_are_validated_and_slack_or_teams_urls_are_masked_when_listed()
    {
        await using var host = await TestHost.StartAsync(azurite);
        var refused = await host.Api.PostAsJsonAsync("fingerprints", new
        {
            label = "x", fingerprint = Fingerprint, length = 24,
            webhookUrl = "https://rotate.example.com/a",
            responders = new object[]
            {
                new { type = "webhook", url = "https://rotate.example.com/b" },
                new { type = "slack", url = "https://192.168.1.10/hook" },
                new { type = "teams", url = "http://teams.example.com/hook" },
                new { type = "pagerduty", url = "https://example.com/" },
                new { type = "github", url = "https://evil.example.com/" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["responders", "responders[1].url", "responders[2].url", "responders[3].type", "responders[4].url"],
            errors.EnumerateObject().Select(p => p.Name).Order());

        var created = await host.Api.PostAsJsonAsync("fingerprints", new
        {
            label = "x", fingerprint = Fingerprint, length = 24,
            webhookUrl = "https://rotate.example.com/a",
            responders = new object[]
            {
                new { type = "slack", url = "https://hooks.slack.com/services/T000/B000/SECRETPART" },
                new { type = "github" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var listed = await host.Api.GetStringAsync("fingerprints");
        Assert.DoesNotContain("SECRETPART", listed);
        var responders = JsonDocument.Parse(listed).RootElement[0].GetProperty("responders");
        Assert.Equal(["webhook", "slack", "github"], responders.EnumerateArray().Select(r => r.GetProperty("type").GetString()));
        Assert.Equal("https://rotate.example.com/a", responders[0].GetProperty("url").GetString());
        Assert.Equal("https://hooks.slack.com/…", responders[1].GetProperty("url").GetString());
    }
}
