using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeakMonitor.Core.Api;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>Global sources: a platform admin's, crawled for every team, visible to all, changed by none of them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GlobalSourceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(azurite, s => s["Api:RateLimitBurst"] = "100000");

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_platform_admin_adds_a_global_source_every_team_sees_and_no_team_can_delete()
    {
        object Source(bool global) => new { name = "public gists", kind = "feed", url = "https://pastes.example.com/feed.xml", global };
        await Access.CreateTeamAsync(host, "red-team");
        var (_, redAdminKey) = await Access.CreateKeyAsync(host, "red-team", Roles.TeamAdmin);
        using var redAdmin = host.Client(redAdminKey);

        var refused = await redAdmin.PostAsJsonAsync("sources", Source(global: true));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("platform admin", await refused.Content.ReadAsStringAsync());

        // The bootstrap key is the platform admin.
        var created = await host.Api.PostAsJsonAsync("sources", Source(global: true));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var seen = (await redAdmin.GetFromJsonAsync<JsonElement>("sources")).EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == id);
        Assert.True(seen.GetProperty("global").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await redAdmin.DeleteAsync($"sources/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Api.DeleteAsync($"sources/{id}")).StatusCode);
        Assert.DoesNotContain(id, await redAdmin.GetStringAsync("sources"));
    }
}
