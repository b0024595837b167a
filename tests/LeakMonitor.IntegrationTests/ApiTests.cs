using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Api;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests;

/// <summary>The HTTP API as a caller sees it: authenticated, validated, problem+json errors.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(azurite);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Every_route_refuses_a_caller_without_a_valid_key()
    {
        using var anonymous = new HttpClient { BaseAddress = host.Api.BaseAddress };
        using var wrongKey = new HttpClient { BaseAddress = host.Api.BaseAddress };
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key");
        foreach (var client in new[] { anonymous, wrongKey })
        {
            foreach (var route in ApiRoutes.All)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Template.Replace("{id}", "x"))
                {
                    Content = route.Method == "POST" ? JsonContent.Create(new { }) : null,
                };
                var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public async Task Fingerprints_can_be_registered_listed_and_deleted_and_the_stored_hash_never_comes_back()
    {
        var fp = FingerprintScheme.Format(FingerprintScheme.Hash(FingerprintScheme.DevelopmentSalt, "hunter2!#x"u8));
        var created = await host.Api.PostAsJsonAsync("fingerprints", new { label = "db password", fingerprint = fp, length = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var listed = await host.Api.GetStringAsync("fingerprints");
        var entry = Assert.Single(JsonDocument.Parse(listed).RootElement.EnumerateArray());
        Assert.Equal("db password", entry.GetProperty("label").GetString());
        Assert.DoesNotContain(fp.Split(':')[1], listed);
        Assert.False(entry.TryGetProperty("storedHash", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await host.Api.DeleteAsync($"fingerprints/{id}")).StatusCode);
        var again = await host.Api.DeleteAsync($"fingerprints/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Empty(JsonDocument.Parse(await host.Api.GetStringAsync("fingerprints")).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Invalid_registrations_get_a_problem_naming_each_field()
    {
        var response = await host.Api.PostAsJsonAsync("fingerprints", new
        {
            label = "",
            fingerprint = "sha1:abcd",
            webhookUrl = "https://10.0.0.8/rotate",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["fingerprint", "label", "length", "webhookUrl"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("fpv1:", errors.GetProperty("fingerprint")[0].GetString());

        var source = await host.Api.PostAsJsonAsync("sources", new { name = "x", kind = "gopher", url = "ftp://x" });
        var sourceErrors = (await source.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["kind", "url"], sourceErrors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Malformed_or_oversized_bodies_are_refused_clearly()
    {
        var malformed = await host.Api.PostAsync("fingerprints", new StringContent("{\"label\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("not valid JSON", await malformed.Content.ReadAsStringAsync());

        // Expect: 100-continue: refused on Content-Length before the body is sent (no broken pipe under the client).
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "sources")
        {
            Content = new StringContent($"{{\"name\": \"{new string('a', 100_000)}\"}}", Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = true },
        };
        var huge = await host.Api.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_answer_problem_json()
    {
        var response = await host.Api.GetAsync("no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
