using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using LeakMonitor.Core.Api;
using LeakMonitor.Core.Api.Auth;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>
/// Every route, for every kind of caller: deny by default, least privilege, and another team's ids answer 404.
/// The table must name every route in <see cref="ApiRoutes.All"/>: a new route fails here until its access is decided.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RouteAccessTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string TeamA = "team-a";
    private const string TeamB = "team-b";
    private TestHost host = null!;
    private readonly Dictionary<string, HttpClient> callers = [];

    // Columns: member of A, team admin of A, platform admin (bootstrap, of blue-team), team admin of B, member of B.
    // Ids in paths belong to team A. Bodies are valid, so an allowed caller succeeds rather than failing validation.
    private static readonly Dictionary<string, int[]> Expected = new()
    {
        ["RegisterFingerprint"] = [201, 201, 201, 201, 201],
        ["ListFingerprints"] = [200, 200, 200, 200, 200],
        ["DeleteFingerprint"] = [204, 204, 404, 404, 404],
        ["RegisterFingerprintsBulk"] = [200, 200, 200, 200, 200],
        ["RegisterSource"] = [201, 201, 201, 201, 201],
        ["ListSources"] = [200, 200, 200, 200, 200],
        ["DeleteSource"] = [204, 204, 404, 404, 404],
        ["ListIncidents"] = [200, 200, 200, 200, 200],
        // No incident exists here (opening one takes the pipeline; IncidentApiTests covers a real one and another
        // team's id): every authenticated caller gets the same 404.
        ["GetIncident"] = [404, 404, 404, 404, 404],
        ["AcknowledgeIncident"] = [404, 404, 404, 404, 404],
        ["ResolveIncident"] = [404, 404, 404, 404, 404],
        ["GetWebhookKey"] = [403, 200, 200, 200, 403],
        ["GetMe"] = [200, 200, 200, 200, 200],
        ["CreateApiKey"] = [403, 201, 201, 201, 403],
        ["ListApiKeys"] = [403, 200, 200, 200, 403],
        ["RevokeApiKey"] = [403, 204, 204, 404, 403],
        ["CreateTeam"] = [403, 403, 201, 403, 403],
        ["ListTeams"] = [403, 403, 200, 403, 403],
        ["QueryAudit"] = [403, 403, 200, 403, 403],
        ["GetOpenApi"] = [200, 200, 200, 200, 200],
    };

    private static readonly string[] Columns = ["member-a", "admin-a", "platform", "admin-b", "member-b"];

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(azurite, s => s["Api:RateLimitBurst"] = "100000");
        await Access.CreateTeamAsync(host, TeamA);
        await Access.CreateTeamAsync(host, TeamB);
        callers["member-a"] = host.Client((await Access.CreateKeyAsync(host, TeamA, Roles.Member)).Key);
        callers["admin-a"] = host.Client((await Access.CreateKeyAsync(host, TeamA, Roles.TeamAdmin)).Key);
        callers["platform"] = host.Api;
        callers["admin-b"] = host.Client((await Access.CreateKeyAsync(host, TeamB, Roles.TeamAdmin)).Key);
        callers["member-b"] = host.Client((await Access.CreateKeyAsync(host, TeamB, Roles.Member)).Key);
    }

    public async Task DisposeAsync()
    {
        foreach (var (name, client) in callers.Where(c => c.Key != "platform"))
        {
            client.Dispose();
        }
        await host.DisposeAsync();
    }

    [Fact]
    public void The_table_decides_access_for_every_route()
        => Assert.Equal(ApiRoutes.All.Select(r => r.Name).Order(), Expected.Keys.Order());

    [Fact]
    public async Task Every_route_answers_each_role_and_each_foreign_team_as_the_table_says()
    {
        var failures = new List<string>();
        foreach (var route in ApiRoutes.All)
        {
            for (var column = 0; column < Columns.Length; column++)
            {
                using var request = await RequestForAsync(route);
                var response = await callers[Columns[column]].SendAsync(request);
                var expected = Expected[route.Name][column];
                if ((int)response.StatusCode != expected)
                {
                    failures.Add($"{route.Name} as {Columns[column]}: {(int)response.StatusCode}, expected {expected} " +
                        await response.Content.ReadAsStringAsync());
                }
                else if (expected >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Another_teams_ids_answer_404_and_stay_untouched_and_unlisted()
    {
        var fingerprint = await Access.RegisterFingerprintAsync(callers["member-a"]);
        var source = await Access.RegisterSourceAsync(callers["member-a"]);
        foreach (var foreign in new[] { "member-b", "admin-b", "platform" })
        {
            var f = await callers[foreign].DeleteAsync($"fingerprints/{fingerprint}");
            var s = await callers[foreign].DeleteAsync($"sources/{source}");
            var missing = await callers[foreign].DeleteAsync("fingerprints/00000000000000000000000000000000");
            Assert.Equal(HttpStatusCode.NotFound, f.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, s.StatusCode);
            // The answer for another team's id is the answer for an id that does not exist at all.
            var absent = await missing.ReadJsonAsync<System.Text.Json.JsonElement>();
            var foreignAnswer = await f.ReadJsonAsync<System.Text.Json.JsonElement>();
            Assert.Equal(absent.GetProperty("title").GetString(), foreignAnswer.GetProperty("title").GetString());
            Assert.Equal(absent.GetProperty("detail").GetString()!.Replace("00000000000000000000000000000000", fingerprint),
                foreignAnswer.GetProperty("detail").GetString());
            Assert.DoesNotContain(fingerprint, await callers[foreign].GetStringAsync("fingerprints"));
            Assert.DoesNotContain(source, await callers[foreign].GetStringAsync("sources"));
        }
        Assert.Contains(fingerprint, await callers["member-a"].GetStringAsync("fingerprints"));
        Assert.Contains(source, await callers["member-a"].GetStringAsync("sources"));
    }

    [Fact]
    public async Task Missing_wrong_expired_and_revoked_credentials_get_401_on_every_route()
    {
        var (revokedId, revoked) = await Access.CreateKeyAsync(host, TeamA, Roles.TeamAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Api.DeleteAsync($"keys/{revokedId}")).StatusCode);
        var (expiredId, expired) = await Access.CreateKeyAsync(host, TeamA, Roles.TeamAdmin);
        var keys = await host.Services.GetRequiredService<Core.Storage.StorageClients>()
            .TableAsync(host.Services.GetRequiredService<AccessTables>().ApiKeys);
        var row = (await keys.GetEntityAsync<ApiKeyEntity>(ApiKeyEntity.Partition, expiredId)).Value;
        row.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await keys.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        var wrongSecret = revoked[..^4] + "AAAA";

        var credentials = new Dictionary<string, string?>
        {
            ["none"] = null, ["garbage"] = "not-a-key", ["revoked"] = revoked, ["expired"] = expired,
            ["wrong secret"] = wrongSecret, ["unknown id"] = "lmk_0123456789abcdef_" + new string('A', 43),
            ["unsigned jwt"] = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        };
        foreach (var (name, credential) in credentials)
        {
            using var client = host.Client(credential);
            foreach (var route in ApiRoutes.All)
            {
                using var request = await RequestForAsync(route);
                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.Name} with {name} credential: {response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        using var expiredClient = host.Client(expired);
        Assert.Contains("expired", await (await expiredClient.GetAsync("me")).Content.ReadAsStringAsync());
        using var revokedClient = host.Client(revoked);
        Assert.Contains("revoked", await (await revokedClient.GetAsync("me")).Content.ReadAsStringAsync());
    }

    /// <summary>A request for the route with valid bodies and team A's ids (fresh ones for deletes).</summary>
    private async Task<HttpRequestMessage> RequestForAsync(ApiRoute route)
    {
        var memberA = callers["member-a"];
        var path = route.Name switch
        {
            "DeleteFingerprint" => $"fingerprints/{await Access.RegisterFingerprintAsync(memberA)}",
            "DeleteSource" => $"sources/{await Access.RegisterSourceAsync(memberA)}",
            "RevokeApiKey" => $"keys/{(await Access.CreateKeyAsync(host, TeamA, Roles.Member)).Id}",
            _ => route.Template,
        };
        object? body = route.Name switch
        {
            "RegisterFingerprint" => new { label = "l", fingerprint = Access.NewFingerprint(), length = 20 },
            "RegisterFingerprintsBulk" => new { fingerprints = new[] { new { label = "l", fingerprint = Access.NewFingerprint(), length = 20 } } },
            "RegisterSource" => new { name = "s", kind = "feed", url = "http://127.0.0.1:9/feed.xml", enabled = false },
            "CreateApiKey" => new { name = "k" },
            "CreateTeam" => new { id = "t" + Guid.NewGuid().ToString("N")[..12] },
            _ when route.Method == "POST" => new { },
            _ => null,
        };
        return new HttpRequestMessage(new HttpMethod(route.Method), path)
        {
            Content = body is null ? null : JsonContent.Create(body),
        };
    }
}
