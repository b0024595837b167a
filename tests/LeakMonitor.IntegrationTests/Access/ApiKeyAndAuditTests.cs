using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeakMonitor.Core.Api;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>API keys from creation to revocation, the audit trail, and per-caller rate limits.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ApiKeyAndAuditTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(azurite, s => s["Api:RateLimitBurst"] = "100000");

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_key_is_shown_once_stored_as_a_hash_listed_without_secret_and_stops_working_when_revoked()
    {
        await Access.CreateTeamAsync(host, "ops");
        var (adminId, adminKey) = await Access.CreateKeyAsync(host, "ops", Roles.TeamAdmin);
        using var admin = host.Client(adminKey);

        var created = await admin.PostAsJsonAsync("keys", new { name = "ci", expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.ReadJsonAsync<JsonElement>();
        var (id, key) = (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
        Assert.Matches("^lmk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", key);
        Assert.StartsWith($"lmk_{id}_", key);
        Assert.Equal("member", json.GetProperty("role").GetString());
        Assert.InRange(json.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        using var ci = host.Client(key);
        var me = await (await ci.GetAsync("me")).ReadJsonAsync<JsonElement>();
        Assert.Equal("ops", me.GetProperty("team").GetString());
        Assert.Equal("member", me.GetProperty("role").GetString());
        Assert.Equal(id, me.GetProperty("keyId").GetString());

        var listed = await admin.GetStringAsync("keys");
        Assert.Contains(id, listed);
        Assert.DoesNotContain(key, listed);
        Assert.DoesNotContain(key.Split('_')[2], listed);
        Assert.DoesNotContain("keyHash", listed, StringComparison.OrdinalIgnoreCase);
        var tables = string.Join("\n", await host.DumpAllTablesAsync());
        Assert.DoesNotContain(key.Split('_')[2], tables);
        Assert.DoesNotContain(adminKey.Split('_')[2], tables);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ci.GetAsync("me")).StatusCode);
        Assert.Contains("\"state\":\"revoked\"", await admin.GetStringAsync("keys"));
        Assert.NotEqual(adminId, id);
    }

    [Fact]
    public async Task A_team_admin_cannot_mint_or_revoke_keys_above_their_role_or_for_another_team()
    {
        await Access.CreateTeamAsync(host, "ops");
        await Access.CreateTeamAsync(host, "dev");
        var (_, adminKey) = await Access.CreateKeyAsync(host, "ops", Roles.TeamAdmin);
        using var admin = host.Client(adminKey);
        var escalate = await admin.PostAsJsonAsync("keys", new { name = "x", role = "platform-admin" });
        Assert.Equal(HttpStatusCode.Forbidden, escalate.StatusCode);
        var foreign = await admin.PostAsJsonAsync("keys", new { name = "x", team = "dev" });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var foreignList = await admin.GetAsync("keys?team=dev");
        Assert.Equal(HttpStatusCode.Forbidden, foreignList.StatusCode);
        var tooLong = await admin.PostAsJsonAsync("keys", new { name = "x", expiresInDays = 10_000 });
        var errors = (await tooLong.ReadJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("expiresInDays", out _));
        var (platformKeyId, _) = await Access.CreateKeyAsync(host, "ops", Roles.PlatformAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.DeleteAsync($"keys/{platformKeyId}")).StatusCode);
        var noTeam = await host.Api.PostAsJsonAsync("keys", new { name = "x", team = "nobody-here" });
        Assert.Contains("POST /api/teams", await noTeam.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Changes_incident_reads_and_denials_are_audited_with_who_where_and_outcome_never_a_key()
    {
        await Access.CreateTeamAsync(host, "ops");
        var (memberId, memberKey) = await Access.CreateKeyAsync(host, "ops", Roles.Member);
        using var member = host.Client(memberKey);
        member.DefaultRequestHeaders.UserAgent.ParseAdd("audit-test/1.0");
        var fingerprint = await Access.RegisterFingerprintAsync(member);
        await member.GetStringAsync("incidents");
        await member.GetStringAsync("fingerprints"); // a plain read of own registrations: not audited
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("audit")).StatusCode);
        using var nobody = host.Client("lmk_0123456789abcdef_" + new string('B', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("fingerprints")).StatusCode);

        var response = await host.Api.GetAsync($"audit?actor=key:{memberId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.ReadJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal(["GET audit", "GET incidents", "POST fingerprints"], entries.Select(e => e.GetProperty("action").GetString()).Order());
        var post = entries.Single(e => e.GetProperty("action").GetString() == "POST fingerprints");
        Assert.Equal("ops", post.GetProperty("team").GetString());
        Assert.Equal("member", post.GetProperty("role").GetString());
        Assert.Equal("api-key", post.GetProperty("authMethod").GetString());
        Assert.Equal(201, post.GetProperty("status").GetInt32());
        Assert.Equal(fingerprint, post.GetProperty("target").GetString());
        Assert.Equal("success", post.GetProperty("outcome").GetString());
        Assert.Equal("127.0.0.1", post.GetProperty("remoteIp").GetString());
        Assert.Equal("audit-test/1.0", post.GetProperty("userAgent").GetString());
        Assert.Equal("denied", entries.Single(e => e.GetProperty("action").GetString() == "GET audit").GetProperty("outcome").GetString());

        var denied = await host.Api.GetStringAsync("audit?actor=anonymous&outcome=denied");
        Assert.Contains("GET fingerprints", denied);
        var byTeam = await host.Api.GetStringAsync("audit?team=ops&action=fingerprints");
        Assert.Contains(fingerprint, byTeam);
        var bad = await host.Api.GetAsync("audit?limit=0&since=yesterday");
        Assert.Equal(["limit", "since"], (await bad.ReadJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        var everything = string.Join("\n", await host.DumpAllTablesAsync()) + string.Join("\n", host.Logs.Lines);
        Assert.DoesNotContain(memberKey.Split('_')[2], everything);
        Assert.DoesNotContain(host.Settings["Api:BootstrapKey"]!, everything);
    }

    [Fact]
    public async Task Each_caller_is_rate_limited_with_429_problem_json_and_Retry_After()
    {
        await using var limited = await TestHost.StartAsync(azurite, s =>
        {
            s["Api:RateLimitBurst"] = "3";
            s["Api:RateLimitPerMinute"] = "1";
        });
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await limited.Api.GetAsync("me"));
        }
        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3].StatusCode);
        Assert.Equal("application/problem+json", answers[3].Content.Headers.ContentType?.MediaType);
        Assert.InRange(answers[3].Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // Another caller has a bucket of their own.
        var (_, other) = await CreateKeyWithRetryAsync(limited);
        using var client = limited.Client(other);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("me")).StatusCode);
    }

    private static async Task<(string, string)> CreateKeyWithRetryAsync(TestHost limited)
    {
        // The bootstrap caller is out of tokens; mint the second caller's key straight in the store.
        var (id, key) = Core.Api.Auth.ApiKeyFormat.Generate();
        var store = (Core.Api.Auth.AccessStore)limited.Services.GetService(typeof(Core.Api.Auth.AccessStore))!;
        await store.AddKeyAsync(new Core.Api.Auth.ApiKeyEntity
        {
            RowKey = id, Team = "blue-team", Role = Roles.Member, Name = "other", KeyHash = Core.Api.Auth.ApiKeyFormat.Hash(key),
            CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
        }, CancellationToken.None);
        return (id, key);
    }
}
