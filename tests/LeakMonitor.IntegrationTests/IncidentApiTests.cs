using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeakMonitor.Core.Response;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.IntegrationTests;

/// <summary>The people's side of an incident: list by status, read one, acknowledge, resolve; one team's only.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IncidentApiTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Incidents_are_filtered_acknowledged_and_resolved_by_the_owning_team_with_who_and_when()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await ScriptedReceiver.StartAsync();
        var secretId = await ResponseDriver.RegisterAsync(host, "legacy hook secret", "legacy-EEEEexampleexample0005", [],
            webhookUrl: receiver.Url(ScriptedReceiver.Rotate));
        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(secretId, "doc1")]);
        var list = await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host, "?status=rotated"),
            l => l.GetArrayLength() == 1, Deadline, "the incident to be rotated through the legacy webhookUrl");
        var id = list[0].GetProperty("id").GetString()!;
        Assert.Equal(0, (await ResponseDriver.IncidentsAsync(host, "?status=open")).GetArrayLength());
        var bad = await host.Api.GetAsync("incidents?status=bogus");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        // The same document matched again an hour later moves its occurrence's last seen, and alerts nobody.
        var again = ResponseDriver.Hit(secretId, "doc1") with { SeenAt = ResponseDriver.Hit(secretId, "doc1").SeenAt.AddHours(1) };
        await ResponseDriver.SendAsync(host, [again]);
        var occurrence = await Eventually.UntilAsync(
            async () => (await host.Api.GetFromJsonAsync<JsonElement>($"incidents/{id}")).GetProperty("occurrences")[0],
            o => o.GetProperty("lastSeenAt").GetDateTimeOffset() == again.SeenAt, Deadline, "last seen to move");
        Assert.Equal(again.SeenAt.AddHours(-1), occurrence.GetProperty("firstSeenAt").GetDateTimeOffset());
        Assert.Single(receiver.Requests(ScriptedReceiver.Rotate));

        var acknowledged = await Transition(host, id, "acknowledge", HttpStatusCode.OK);
        Assert.Equal("acknowledged", acknowledged.GetProperty("status").GetString());
        Assert.Equal("bootstrap", acknowledged.GetProperty("acknowledged").GetProperty("by").GetString());
        await Transition(host, id, "acknowledge", HttpStatusCode.OK); // repeating changes nothing
        var resolved = await Transition(host, id, "resolve", HttpStatusCode.OK);
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("bootstrap", resolved.GetProperty("resolved").GetProperty("by").GetString());
        Assert.Equal(JsonValueKind.String, resolved.GetProperty("resolved").GetProperty("at").ValueKind);
        await Transition(host, id, "acknowledge", HttpStatusCode.Conflict);

        // After resolution the old hit redelivered changes nothing; a new leak of the same secret opens a new incident.
        await ResponseDriver.SendAsync(host, [ResponseDriver.Hit(secretId, "doc1"), ResponseDriver.Hit(secretId, "doc3")]);
        await Eventually.UntilAsync(() => ResponseDriver.IncidentsAsync(host, "?status=rotated"),
            l => l.GetArrayLength() == 1, Deadline, "the new leak to open and rotate a new incident");
        await Eventually.UntilAsync(() => host.Logs.Lines.Any(l => l.Contains("is resolved; hit of document doc1", StringComparison.Ordinal)),
            Deadline, "the redelivered hit to be handled");
        Assert.Equal(2, (await ResponseDriver.IncidentsAsync(host)).GetArrayLength());
        Assert.Equal(2, receiver.Requests(ScriptedReceiver.Rotate).Count);
        Assert.Equal(2, receiver.Requests(ScriptedReceiver.Rotate).Select(r => r.Headers["Idempotency-Key"]).Distinct().Count());
    }

    [Fact]
    public async Task Another_teams_incident_is_not_found()
    {
        await using var host = await TestHost.StartAsync(azurite);
        var store = host.Services.GetRequiredService<IncidentStore>();
        var theirs = await store.OpenAsync(new IncidentEntity
        {
            PartitionKey = "red-team", RowKey = IncidentStore.IdFor("red-team", "their-secret", 0), FingerprintId = "their-secret",
            Label = "red team secret", Url = "https://pastes.example/raw/red",
        }, default);

        Assert.Equal(HttpStatusCode.NotFound, (await host.Api.GetAsync($"incidents/{theirs.RowKey}")).StatusCode);
        await Transition(host, theirs.RowKey, "acknowledge", HttpStatusCode.NotFound);
        await Transition(host, theirs.RowKey, "resolve", HttpStatusCode.NotFound);
        Assert.Equal(0, (await ResponseDriver.IncidentsAsync(host)).GetArrayLength());
        Assert.Equal(IncidentStatus.Open, (await store.GetAsync("red-team", theirs.RowKey, default))!.Status);
    }

    private static async Task<JsonElement> Transition(TestHost host, string id, string action, HttpStatusCode expected)
    {
        var response = await host.Api.PostAsync($"incidents/{id}/{action}", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{action}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
