using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>Test helpers for teams, keys and registrations, all through the real API.</summary>
internal static class Access
{
    public static string NewFingerprint()
        => FingerprintScheme.Format(FingerprintScheme.Hash(FingerprintScheme.DevelopmentSalt, RandomNumberGenerator.GetBytes(20)));

    public static async Task CreateTeamAsync(TestHost host, string team)
    {
        var response = await host.Api.PostAsJsonAsync("teams", new { id = team });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
            await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates a key with the bootstrap (platform admin) credential; returns (id, key).</summary>
    public static async Task<(string Id, string Key)> CreateKeyAsync(TestHost host, string team, string role,
        HttpClient? by = null)
    {
        var response = await (by ?? host.Api).PostAsJsonAsync("keys", new { name = $"{role} of {team}", team, role });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    public static async Task<string> RegisterFingerprintAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("fingerprints", new { label = "x", fingerprint = NewFingerprint(), length = 20 });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<string> RegisterSourceAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("sources",
            new { name = "s", kind = "feed", url = "http://127.0.0.1:9/feed.xml", enabled = false });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<T> ReadJsonAsync<T>(this HttpResponseMessage response)
        => (await response.Content.ReadFromJsonAsync<T>())!;
}
