using System.Diagnostics;
using System.Text;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.IntegrationTests;

/// <summary>Hostile and broken sites: every fault ends in a logged reason and a health mark, never a lost item.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrawlFaultTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Loops_404s_endless_bodies_bombs_resets_and_429s_each_end_cleanly_and_retryable_items_come_back()
    {
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Crawl:MinRequestInterval"] = "00:00:00";
            s["Crawl:MaxDocumentBytes"] = "1048576";
        });
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("/ok.txt", "text/plain", () => "fine\n");
        site.Map("/loop-a", context => { context.Response.Redirect("/loop-b"); return Task.CompletedTask; });
        site.Map("/loop-b", context => { context.Response.Redirect("/loop-a"); return Task.CompletedTask; });
        site.Map("/gone.txt", context => { context.Response.StatusCode = 404; return Task.CompletedTask; });
        var endless = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        site.Map("/endless.txt", FakeSites.Endless(endless));
        site.MapBytes("/bomb.txt", "text/plain", FakeSites.GzipOfZeros(64L << 20), new Dictionary<string, string> { ["Content-Encoding"] = "gzip" });
        var resets = 0;
        site.Map("/reset.txt", context =>
        {
            // Every attempt of the first crawl (1 + 2 retries) has its connection reset; then the site recovers.
            if (Interlocked.Increment(ref resets) <= 3)
            {
                context.Abort();
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync("recovered\n");
        });
        var throttled = 0;
        site.Map("/throttled.txt", context =>
        {
            if (Interlocked.Increment(ref throttled) == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "2";
                return Task.CompletedTask;
            }
            return context.Response.WriteAsync("after 429\n");
        });
        site.MapText("/list.txt", "text/plain",
            () => "/ok.txt\n/loop-a\n/gone.txt\n/endless.txt\n/bomb.txt\n/reset.txt\n/throttled.txt\n");

        var id = await CrawlProbe.AddSourceAsync(host, new { name = "hostile", kind = "urls", url = site.Url("list.txt").AbsoluteUri });
        var source = await CrawlProbe.WaitForCrawlAsync(host, id);

        // The batch went on: everything that could be stored was; the reset item is marked for retry.
        Assert.Equal("1 item(s) failed; they are retried on the next crawl", source.Text("health", "lastError"));
        Assert.Equal("1", source.Text("health", "consecutiveFailures"));
        var documents = await CrawlProbe.DocumentsAsync(host);
        Assert.Equal("fine\n", Encoding.UTF8.GetString(documents.Single(d => d.Url.EndsWith("/ok.txt", StringComparison.Ordinal)).Content));
        Assert.Equal("after 429\n", Encoding.UTF8.GetString(documents.Single(d => d.Url.EndsWith("/throttled.txt", StringComparison.Ordinal)).Content));
        // The endless body is cut at the cap, and the crawler hung up on it (rather than reading on).
        Assert.Equal(1048576, documents.Single(d => d.Url.EndsWith("/endless.txt", StringComparison.Ordinal)).Content.Length);
        await endless.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The gzip bomb (Content-Encoding) is cut at the cap of decompressed bytes.
        Assert.Equal(1048576, documents.Single(d => d.Url.EndsWith("/bomb.txt", StringComparison.Ordinal)).Content.Length);
        Assert.DoesNotContain(documents, d => d.Url.Contains("/reset.txt", StringComparison.Ordinal) || d.Url.Contains("loop", StringComparison.Ordinal));
        // Retry-After was honoured (2 s between the 429 and the retry).
        var throttledAt = site.Requests.Where(r => r.Path == "/throttled.txt").Select(r => r.At).ToList();
        Assert.Equal(2, throttledAt.Count);
        Assert.True(throttledAt[1] - throttledAt[0] >= TimeSpan.FromSeconds(1.9), $"{throttledAt[1] - throttledAt[0]}");
        // Clear reasons in the log.
        Assert.Contains(host.Logs.Lines, l => l.Contains("redirect loop", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Lines, l => l.Contains("/gone.txt answered 404", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Lines, l => l.Contains("endless.txt is larger than 1048576 bytes", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Lines, l => l.Contains("reset.txt failed, retried next crawl", StringComparison.Ordinal));

        // The next crawl retries only the reset item (loop and 404 were dropped for good), and the source is healthy.
        var before = site.Requests.Count;
        var previous = await CrawlProbe.CrawlAgainAsync(host, id);
        source = await CrawlProbe.WaitForCrawlAsync(host, id, previous);
        Assert.Equal("", source.Text("health", "lastError"));
        Assert.Equal("0", source.Text("health", "consecutiveFailures"));
        Assert.Contains(await CrawlProbe.DocumentsAsync(host), d => Encoding.UTF8.GetString(d.Content) == "recovered\n");
        Assert.Equal(["/list.txt", "/reset.txt"], site.Requests.Skip(before).Select(r => r.Path).Order());
    }

    [Fact]
    public async Task A_gzip_bomb_dump_stops_at_its_cap_with_a_health_mark()
    {
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Crawl:ChunkBytes"] = "262144";
            s["Crawl:ChunkOverlapBytes"] = "1024";
        });
        await using var site = await LoopbackServer.StartAsync();
        site.MapBytes("/dump.gz", "application/gzip", FakeSites.GzipOfZeros(200L << 20));

        var id = await CrawlProbe.AddSourceAsync(host, new
        {
            name = "bomb", kind = "dump", url = site.Url("dump.gz").AbsoluteUri, config = new { dump = new { maxBytes = 1048576 } },
        });
        var source = await CrawlProbe.WaitForCrawlAsync(host, id);

        Assert.StartsWith("dump cut at the cap: more than 1048576 bytes (decompressed)", source.Text("health", "lastError"));
        Assert.StartsWith("1048576 bytes in 1 member(s), 5 chunks", source.Text("health", "lastOutcome"));
        Assert.Contains(host.Logs.Lines, l => l.Contains("dump.gz cut", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_listing_that_is_not_what_the_source_expects_marks_the_source_with_the_reason()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("/api.json", "application/json", () => """{"error":"YOUR IP DOES NOT HAVE ACCESS"}""");
        site.MapText("/feed.xml", "application/rss+xml", () => "<rss><channel><item><link>unterminated");

        var json = await CrawlProbe.AddSourceAsync(host, new
        {
            name = "not whitelisted", kind = "json", url = site.Url("api.json").AbsoluteUri,
            config = new { json = new { id = "key", url = "scrape_url" } },
        });
        var feed = await CrawlProbe.AddSourceAsync(host, new { name = "broken xml", kind = "feed", url = site.Url("feed.xml").AbsoluteUri });

        Assert.Contains("is not an array of items", (await CrawlProbe.WaitForCrawlAsync(host, json)).Text("health", "lastError"));
        Assert.StartsWith("the listing could not be read", (await CrawlProbe.WaitForCrawlAsync(host, feed)).Text("health", "lastError"));
    }
}
