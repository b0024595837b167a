using System.Text;
using LeakMonitor.IntegrationTests.Infrastructure;
using LeakMonitor.LocalHost;

namespace LeakMonitor.IntegrationTests;

/// <summary>Onion and proxied sources through SOCKS5, and the outbound guard beside them.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrawlProxyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_onion_feed_is_crawled_through_the_socks5_proxy_which_resolves_the_onion_name()
    {
        const string Onion = "leakpastes2examplexyzabcdefghijklmnopqrstuvwxyz234567abcd.onion";
        await using var site = await LoopbackServer.StartAsync();
        await using var proxy = new FakeSocks5Server(site.BaseUrl);
        await using var host = await TestHost.StartAsync(azurite, s => s["Crawl:SocksProxies"] = $"socks5://127.0.0.1:{proxy.Port}");
        site.MapText("/feed.xml", "application/rss+xml", () => FakeSites.Rss(site, [$"http://{Onion}/raw/1"]));
        site.MapText("/raw/1", "text/plain", () => "onion paste\n");

        // http is fine for .onion (the address authenticates the service), and no proxy setting is needed.
        var id = await CrawlProbe.AddSourceAsync(host, new { name = "onion", kind = "feed", url = $"http://{Onion}/feed.xml" });
        var source = await CrawlProbe.WaitForCrawlAsync(host, id);

        Assert.Equal("", source.Text("health", "lastError"));
        var document = Assert.Single(await CrawlProbe.DocumentsAsync(host));
        Assert.Equal("onion paste\n", Encoding.UTF8.GetString(document.Content));
        Assert.Equal($"http://{Onion}/raw/1", document.Url);
        // socks5h: every proxy connection (kept alive across robots.txt, feed and item) asked for the name, never an address.
        Assert.NotEmpty(proxy.Requested);
        Assert.All(proxy.Requested, r => Assert.Equal($"name:{Onion}:80", r));
        Assert.Equal(["/robots.txt", "/feed.xml", "/raw/1"], site.Requests.Select(r => r.Path));
        Assert.All(site.Requests, r => Assert.Equal(Onion, r.Headers["Host"]));
    }

    [Fact]
    public async Task A_source_goes_through_microsocks_while_direct_fetches_to_private_addresses_stay_refused()
    {
        await using var site = await LoopbackServer.StartAsync();
        await using var microsocks = await Microsocks.StartAsync();
        var deadProxy = $"socks5://127.0.0.1:{LoopbackPorts.Free()}";
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Outbound:AllowedHosts"] = "localhost"; // 127.0.0.1 is NOT allowlisted in this test
            s["Crawl:SocksProxies"] = $"socks5://127.0.0.1:{microsocks.Port},{deadProxy}";
            s["Crawl:MinRequestInterval"] = "00:00:00";
        });
        var port = site.BaseUrl.Port;
        site.MapText("/proxied.xml", "application/rss+xml", () => FakeSites.Rss(site, [$"http://localhost:{port}/raw/proxied"]));
        site.MapText("/raw/proxied", "text/plain", () => "via microsocks\n");
        site.MapText("/direct.xml", "application/rss+xml", () => FakeSites.Rss(site, [$"http://127.0.0.1:{port}/raw/private"]));
        site.MapText("/raw/private", "text/plain", () => "must never be fetched\n");
        site.MapText("/dead.xml", "application/rss+xml", () => FakeSites.Rss(site, ["/raw/proxied"]));

        var proxied = await CrawlProbe.AddSourceAsync(host, new
            { name = "proxied", kind = "feed", url = $"http://localhost:{port}/proxied.xml", config = new { proxy = true } });
        var direct = await CrawlProbe.AddSourceAsync(host, new { name = "direct", kind = "feed", url = $"http://localhost:{port}/direct.xml" });
        var dead = await CrawlProbe.AddSourceAsync(host, new
            { name = "dead proxy", kind = "feed", url = $"http://localhost:{port}/dead.xml", config = new { proxy = deadProxy } });

        Assert.Equal("", (await CrawlProbe.WaitForCrawlAsync(host, proxied)).Text("health", "lastError"));
        Assert.Contains(await CrawlProbe.DocumentsAsync(host), d => Encoding.UTF8.GetString(d.Content) == "via microsocks\n");

        // Without a proxy the guard still refuses a non-allowlisted private address, at connect time.
        Assert.Contains("retried on the next crawl", (await CrawlProbe.WaitForCrawlAsync(host, direct)).Text("health", "lastError"));
        Assert.DoesNotContain(site.Requests, r => r.Path == "/raw/private");
        Assert.Contains(host.Logs.Lines, l => l.Contains("Refused to connect to 127.0.0.1", StringComparison.Ordinal)
            && l.Contains("not a public address", StringComparison.Ordinal));

        // A source on a proxy that is down fails cleanly, and nothing went around the proxy.
        // (robots.txt of this origin may already be cached from the other sources, so either request may be the one failing.)
        var deadError = (await CrawlProbe.WaitForCrawlAsync(host, dead)).Text("health", "lastError");
        Assert.Matches("(dead.xml failed|robots.txt of .* is unreachable).*Connection refused", deadError);
        Assert.DoesNotContain(site.Requests, r => r.Path == "/dead.xml");
    }
}
