using System.Diagnostics;
using LeakMonitor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace LeakMonitor.IntegrationTests;

/// <summary>How fast one local host crawls one loopback site. Prints the figure; asserts only completeness.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrawlThroughputTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Crawl_throughput_of_a_500_item_listing_is_measured()
    {
        const int Items = 500;
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Crawl:MaxItemsPerCrawl"] = Items.ToString(System.Globalization.CultureInfo.InvariantCulture);
            s["Crawl:MinRequestInterval"] = "00:00:00"; // politeness off: measures the crawler, not the wait
        });
        await using var site = await LoopbackServer.StartAsync();
        for (var i = 0; i < Items; i++)
        {
            var n = i;
            site.MapText($"/p/{n}", "text/plain", () => $"paste {n}\n{new string('x', 2000)}\n");
        }
        site.MapText("/list.txt", "text/plain", () => string.Concat(Enumerable.Range(0, Items).Select(i => $"/p/{i}\n")));

        var clock = Stopwatch.StartNew();
        var id = await CrawlProbe.AddSourceAsync(host, new { name = "bulk", kind = "urls", url = site.Url("list.txt").AbsoluteUri });
        var source = await CrawlProbe.WaitForCrawlAsync(host, id, timeout: TimeSpan.FromMinutes(5));
        clock.Stop();

        Assert.Equal("", source.Text("health", "lastError"));
        Assert.Equal(Items, (await CrawlProbe.DocumentsAsync(host)).Count);
        var perMinute = Items / clock.Elapsed.TotalMinutes;
        output.WriteLine($"Crawled {Items} documents from one loopback site in {clock.Elapsed.TotalSeconds:0.0} s: " +
            $"{perMinute:0} documents/minute (politeness off; with Crawl:MinRequestInterval=1s one host is capped at 60/minute).");
        Console.WriteLine($"THROUGHPUT {perMinute:0} documents/minute ({Items} in {clock.Elapsed.TotalSeconds:0.0} s)");
    }
}
