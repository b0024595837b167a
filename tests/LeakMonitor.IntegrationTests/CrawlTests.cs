using System.Net.Http.Json;
using System.Text.Json;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests;

/// <summary>Crawling against loopback sites, including broken ones.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrawlTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_site_answering_500_marks_the_source_unhealthy_with_the_reason()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var site = await LoopbackServer.StartAsync();
        site.Map("/feed.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });

        var created = await host.Api.PostAsJsonAsync("sources",
            new { name = "broken", kind = "feed", url = site.Url("feed.xml").AbsoluteUri });
        created.EnsureSuccessStatusCode();

        var health = await Eventually.UntilAsync(async () =>
                (await host.Api.GetFromJsonAsync<JsonElement>("sources"))[0].GetProperty("health"),
            h => h.GetProperty("consecutiveFailures").GetInt32() >= 1, TimeSpan.FromSeconds(60), "a failed crawl to be recorded");
        Assert.Contains("500", health.GetProperty("lastError").GetString());
        Assert.Equal(JsonValueKind.Null, health.GetProperty("lastSuccessAt").ValueKind);
        // Retried with backoff before giving up: the site saw more than one request.
        Assert.True(site.Requests.Count(r => r.Path == "/feed.xml") >= 2);
    }

    [Fact]
    public async Task Url_list_items_are_stored_once_even_when_two_urls_serve_the_same_content()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("/a.txt", "text/plain", () => "same dump content\n");
        site.MapText("/b.txt", "text/plain", () => "same dump content\n");
        site.MapText("/c.txt", "text/plain", () => "other dump content\n");
        site.MapText("/list.txt", "text/plain", () => "# dumps\n/a.txt\n/b.txt\n/c.txt\n");

        (await host.Api.PostAsJsonAsync("sources",
            new { name = "dumps", kind = "urls", url = site.Url("list.txt").AbsoluteUri })).EnsureSuccessStatusCode();

        await Eventually.UntilAsync(async () =>
                (await host.Api.GetFromJsonAsync<JsonElement>("sources"))[0].GetProperty("health"),
            h => h.GetProperty("lastSuccessAt").ValueKind != JsonValueKind.Null, TimeSpan.FromSeconds(60), "the crawl to finish");
        var container = host.DocumentsContainer;
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            blobs.Add(blob.Name);
        }
        Assert.Equal(2, blobs.Count);
        Assert.Equal(3, site.Requests.Count(r => r.Path is "/a.txt" or "/b.txt" or "/c.txt"));
    }
}
