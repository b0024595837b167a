using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Api;
using LeakMonitor.Core.Api.Auth;
using LeakMonitor.Core.Api.OpenApi;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>Only fingerprints come in, made with the current salt; bulk registration is idempotent; the API is described.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RegistrationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(azurite, s =>
    {
        s["Api:RateLimitBurst"] = "100000";
        s["Fingerprints:SaltEpoch"] = "2";
    });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_body_with_a_plaintext_secret_is_refused_and_the_secret_goes_nowhere()
    {
        const string secret = "ghp_plaintextSentByMistake0000000000001";
        var single = await host.Api.PostAsJsonAsync("fingerprints", new { label = "x", secret, length = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, single.StatusCode);
        var error = (await single.ReadJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("secret")[0].GetString();
        Assert.Contains("never takes a plaintext secret", error);
        var bulk = await host.Api.PostAsJsonAsync("fingerprints/bulk",
            new { fingerprints = new object[] { new { label = "a", fingerprint = Access.NewFingerprint(), length = 3, epoch = 2 }, new { label = "b", secret } } });
        Assert.True((await bulk.ReadJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("fingerprints[1].secret", out _));

        var everywhere = string.Join("\n", host.Logs.Lines) + string.Join("\n", await host.DumpAllTablesAsync())
            + string.Join("\n", await host.PeekAllQueuesAsync());
        Assert.DoesNotContain(secret, everywhere);
        Assert.Empty(JsonDocument.Parse(await host.Api.GetStringAsync("fingerprints")).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task A_fingerprint_from_another_salt_epoch_is_refused_with_a_message_to_refingerprint()
    {
        foreach (var epoch in new int?[] { null, 1 })
        {
            var old = await host.Api.PostAsJsonAsync("fingerprints", new { label = "x", fingerprint = Access.NewFingerprint(), length = 5, epoch });
            Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
            var message = (await old.ReadJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("epoch")[0].GetString();
            Assert.Contains("salt was rotated", message);
            Assert.Contains("Re-fingerprint", message);
        }
        var current = await host.Api.PostAsJsonAsync("fingerprints", new { label = "x", fingerprint = Access.NewFingerprint(), length = 5, epoch = 2 });
        Assert.Equal(HttpStatusCode.Created, current.StatusCode);
    }

    [Fact]
    public async Task Bulk_registration_of_thousands_is_idempotent_on_rerun()
    {
        var items = Enumerable.Range(0, 3000)
            .Select(i => new { label = $"secret {i}", fingerprint = Access.NewFingerprint(), length = 20, epoch = 2, owner = "ops", kind = "token" })
            .ToList();
        var body = new { fingerprints = items };
        var first = await host.Api.PostAsJsonAsync("fingerprints/bulk", body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstIds = (await first.ReadJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order().ToList();
        Assert.Equal(3000, firstIds.Count);

        var again = await host.Api.PostAsJsonAsync("fingerprints/bulk", body);
        var againIds = (await again.ReadJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order().ToList();
        Assert.Equal(firstIds, againIds);
        Assert.Equal(3000, JsonDocument.Parse(await host.Api.GetStringAsync("fingerprints")).RootElement.GetArrayLength());

        var invalid = await host.Api.PostAsJsonAsync("fingerprints/bulk", new { fingerprints = new[] { new { label = "", fingerprint = "md5:x", length = 0, epoch = 2, kind = new string('k', 101) } } });
        var names = (await invalid.ReadJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["fingerprints[0].fingerprint", "fingerprints[0].kind", "fingerprints[0].label", "fingerprints[0].length"], names);
        // Expect: 100-continue, as real clients send large bodies: the server refuses on Content-Length before the body
        // is sent, instead of closing the connection under a client still writing (a broken pipe, not an answer).
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "fingerprints/bulk")
        {
            Content = new StringContent($"{{\"fingerprints\": [\"{new string('a', 5 << 20)}\"]}}", Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = true },
        };
        var tooMany = await host.Api.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
    }

    [Fact]
    public async Task Only_a_team_admin_sets_responders_a_member_registers_without_them()
    {
        var (_, memberKey) = await Access.CreateKeyAsync(host, "blue-team", Roles.Member);
        var (_, adminKey) = await Access.CreateKeyAsync(host, "blue-team", Roles.TeamAdmin);
        using var member = host.Client(memberKey);
        using var admin = host.Client(adminKey);
        object Registration(string? webhookUrl) => new
        {
            label = "ci token", fingerprint = Access.NewFingerprint(), length = 20, epoch = 2, webhookUrl,
        };

        var refused = await member.PostAsJsonAsync("fingerprints", Registration("http://127.0.0.1:9/rotate"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("team admin", await refused.Content.ReadAsStringAsync());
        var refusedBulk = await member.PostAsJsonAsync("fingerprints/bulk",
            new { fingerprints = new[] { Registration(null) }, webhookUrl = "http://127.0.0.1:9/rotate" });
        Assert.Equal(HttpStatusCode.Forbidden, refusedBulk.StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await member.PostAsJsonAsync("fingerprints", Registration(null))).StatusCode);
        Assert.Equal(HttpStatusCode.Created,
            (await admin.PostAsJsonAsync("fingerprints", Registration("http://127.0.0.1:9/rotate"))).StatusCode);
    }

    [Fact]
    public async Task Bulk_items_carry_responders_and_a_prefilter_validated_per_item()
    {
        var ok = await host.Api.PostAsJsonAsync("fingerprints/bulk", new
        {
            fingerprints = new[]
            {
                new { label = "with responder", fingerprint = Access.NewFingerprint(), length = 20, epoch = 2,
                      responders = new[] { new { type = "webhook", url = "http://127.0.0.1:9/rotate" } } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("127.0.0.1:9/rotate", await host.Api.GetStringAsync("fingerprints"));

        var bad = await host.Api.PostAsJsonAsync("fingerprints/bulk", new
        {
            fingerprints = new[]
            {
                new { label = "x", fingerprint = Access.NewFingerprint(), length = 20, epoch = 2, prefilter = "nope",
                      responders = new[] { new { type = "carrier-pigeon", url = "https://example.com" } } },
            },
        });
        var names = (await bad.ReadJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("fingerprints[0].prefilter", names);
        Assert.Contains(names, n => n.StartsWith("fingerprints[0].responders", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_route_with_its_role()
    {
        var response = await host.Api.GetAsync("openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync<JsonElement>();
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        foreach (var route in ApiRoutes.All)
        {
            var operation = document.GetProperty("paths").GetProperty($"/api/{route.Template}").GetProperty(route.Method.ToLowerInvariant());
            Assert.Equal(route.Name, operation.GetProperty("operationId").GetString());
            Assert.True(ApiDescriptions.Routes.ContainsKey(route.Name), $"{route.Name} has no description in ApiDescriptions");
        }
        foreach (var reference in document.ToString().Split("#/components/schemas/").Skip(1).Select(s => s[..s.IndexOf('"')]))
        {
            Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty(reference, out _), reference);
        }
    }
}
