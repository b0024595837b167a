using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.IntegrationTests;

/// <summary>Each source kind against a loopback fake site with the real site's shapes, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrawlKindsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Html_paste_site_is_scraped_by_selectors_into_raw_views_and_endless_pagination_stops_at_max_pages()
    {
        await using var host = await TestHost.StartAsync(azurite, s => s["Crawl:MinRequestInterval"] = "00:00:00");
        await using var site = await LoopbackServer.StartAsync();
        // An archive that never ends: every page links to the next.
        site.Map("/archive", context =>
        {
            var page = int.Parse(context.Request.Query["page"].FirstOrDefault() ?? "1", System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync($"""
                <html><body><table><tr><td><a class="paste" href="/p{page}a">a</a>
                <tr><td><a class="paste" href="/p{page}b">b</a></table>
                <a class="next" href="/archive?page={page + 1}">older</a>
                """); // malformed on purpose: unclosed rows, cells, body
        });
        var latin1 = Encoding.Latin1.GetBytes("pässwort=geheim\n");
        for (var page = 1; page <= 10; page++)
        {
            foreach (var letter in "ab")
            {
                // Declared UTF-8, actually Latin-1: a raw view is stored byte for byte all the same.
                site.MapBytes($"/raw/p{page}{letter}", "text/plain; charset=utf-8",
                    page == 1 && letter == 'a' ? latin1 : FakeSites.Utf8($"paste p{page}{letter}\n"));
            }
        }

        var id = await CrawlProbe.AddSourceAsync(host, new
        {
            name = "paste archive", kind = "html", url = site.Url("archive").AbsoluteUri,
            config = new { html = new { links = "a.paste", next = "a.next", maxPages = 3, rawUrl = "/raw/{id}", idPattern = "/(?<id>p\\d+[ab])$" } },
        });
        var source = await CrawlProbe.WaitForCrawlAsync(host, id);

        Assert.Equal("", source.Text("health", "lastError"));
        Assert.Equal(3, site.Requests.Count(r => r.Path == "/archive"));
        var documents = await CrawlProbe.DocumentsAsync(host);
        Assert.Equal(6, documents.Count);
        Assert.Equal(latin1, documents.Single(d => d.Url.EndsWith("/raw/p1a", StringComparison.Ordinal)).Content);
        Assert.Contains(documents, d => d.Url.EndsWith("/raw/p3b", StringComparison.Ordinal));
        Assert.DoesNotContain(site.Requests, r => r.Path == "/raw/p4a");
        Assert.Contains(host.Logs.Lines, l => l.Contains("reached maxPages (3)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Html_item_pages_become_reader_text_with_pre_intact_whatever_charset_they_claim()
    {
        await using var host = await TestHost.StartAsync(azurite, s => s["Crawl:MinRequestInterval"] = "00:00:00");
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("/list", "text/html", () => "<ul><li><a class=p href='/view/1'>one<li><a class=p href='/view/2'>two</ul>");
        // Declared Latin-1, actually UTF-8.
        site.MapBytes("/view/1", "text/html; charset=iso-8859-1", FakeSites.Utf8(
            "<html><script>var x = 'script-only';</script><div class=paste><pre>user: admin\n  pass: grün€</pre></div><p>advert</p>"));
        // No charset anywhere, windows-1252 bytes.
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        site.MapBytes("/view/2", "text/html", Encoding.GetEncoding(1252).GetBytes("<div class=paste><p>“quoted” grün</p></div>"));

        var id = await CrawlProbe.AddSourceAsync(host, new
        {
            name = "paste pages", kind = "html", url = site.Url("list").AbsoluteUri,
            config = new { html = new { links = "a.p", content = "div.paste" } },
        });
        await CrawlProbe.WaitForCrawlAsync(host, id);

        var texts = (await CrawlProbe.DocumentsAsync(host)).Select(d => Encoding.UTF8.GetString(d.Content)).ToList();
        Assert.Contains("user: admin\n  pass: grün€\n", texts);
        Assert.Contains(texts, t => t.Contains("“quoted” grün", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("script-only", StringComparison.Ordinal) || t.Contains("advert", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Github_gists_and_pastebin_scraping_api_are_json_sources_and_the_token_goes_only_to_the_api()
    {
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Crawl:MinRequestInterval"] = "00:00:00";
            s["Crawl:GitHubToken"] = "test-github-token";
        });
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("/gists/public", "application/json", () => JsonSerializer.Serialize(new object[]
        {
            new { id = "aa11", files = new Dictionary<string, object>
            {
                ["a.env"] = new { raw_url = site.Url("gist/aa11/raw/1/a.env").AbsoluteUri },
                ["b.txt"] = new { raw_url = site.Url("gist/aa11/raw/1/b.txt").AbsoluteUri },
            } },
            new { id = "bb22", files = new Dictionary<string, object> { ["c.py"] = new { raw_url = site.Url("gist/bb22/raw/2/c.py").AbsoluteUri } } },
        }));
        site.MapText("/gist/aa11/raw/1/a.env", "text/plain", () => "A=gist a\n");
        site.MapText("/gist/aa11/raw/1/b.txt", "text/plain", () => "B=gist b\n");
        site.MapText("/gist/bb22/raw/2/c.py", "text/plain", () => "C='gist c'\n");
        site.MapText("/api_scraping.php", "application/json", () => JsonSerializer.Serialize(new[]
        {
            new { scrape_url = site.Url("api_scrape_item.php?i=0CeaNm8Y").AbsoluteUri, key = "0CeaNm8Y", size = "10" },
            new { scrape_url = site.Url("api_scrape_item.php?i=1DfbOn9Z").AbsoluteUri, key = "1DfbOn9Z", size = "10" },
        }));
        site.Map("/api_scrape_item.php", context => context.Response.WriteAsync($"pastebin {context.Request.Query["i"]}\n"));

        var gists = await CrawlProbe.AddSourceAsync(host, new
        {
            name = "gists", kind = "json", url = site.Url("gists/public").AbsoluteUri,
            config = new { ignoreRobots = true, json = new { id = "id", url = "files.*.raw_url", auth = "github" } },
        });
        var pastebin = await CrawlProbe.AddSourceAsync(host, new
        {
            name = "pastebin", kind = "json", url = site.Url("api_scraping.php?limit=100").AbsoluteUri,
            config = new { ignoreRobots = true, json = new { id = "key", url = "scrape_url" } },
        });
        await CrawlProbe.WaitForCrawlAsync(host, gists);
        await CrawlProbe.WaitForCrawlAsync(host, pastebin);

        var texts = (await CrawlProbe.DocumentsAsync(host)).Select(d => Encoding.UTF8.GetString(d.Content)).Order().ToList();
        Assert.Equal(["A=gist a\n", "B=gist b\n", "C='gist c'\n", "pastebin 0CeaNm8Y\n", "pastebin 1DfbOn9Z\n"], texts);
        var listing = Assert.Single(site.Requests, r => r.Path == "/gists/public");
        Assert.Equal("Bearer test-github-token", listing.Headers["Authorization"]);
        Assert.All(site.Requests.Where(r => r.Path.StartsWith("/gist/", StringComparison.Ordinal)),
            r => Assert.False(r.Headers.ContainsKey("Authorization")));
        Assert.DoesNotContain(site.Requests, r => r.Path == "/robots.txt"); // both opted out
        Assert.All(site.Requests, r => Assert.StartsWith("LeakMonitor/", r.Headers["User-Agent"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dump_is_streamed_into_overlapping_chunks_so_a_secret_on_a_boundary_is_found_and_304_skips_it_next_time()
    {
        const string Secret = "ghp_D0mpBoundaryT0kenF0rTests1234567890ab";
        var salt = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        await using var host = await TestHost.StartAsync(azurite, s =>
        {
            s["Fingerprints:Salt"] = salt;
            s["Crawl:ChunkBytes"] = "65536";
            s["Crawl:ChunkOverlapBytes"] = "1024";
        });
        await using var site = await LoopbackServer.StartAsync();
        var fingerprint = EndToEndTests.Fingerprint("dump token", Secret, salt);
        (await host.Api.PostAsJsonAsync("fingerprints", new
        {
            label = "dump token",
            fingerprint = fingerprint.GetProperty("fingerprint").GetString(),
            length = fingerprint.GetProperty("length").GetInt32(),
        })).EnsureSuccessStatusCode();

        // A tar.gz whose member has the secret 20 bytes before the first 64 KiB boundary, then 200 KB more.
        var prefix = "GITHUB_TOKEN=";
        var member = new string('#', 65536 - 20 - prefix.Length - 1) + "\n" + prefix + Secret + "\n"
            + string.Concat(Enumerable.Range(0, 2000).Select(i => $"filler line {i:D6} ......................................................................\n"));
        var dump = TarGz(("leak/creds.txt", member), ("readme.txt", "nothing here\n"));
        var requests = 0;
        site.Map("/dumps/big.tar.gz", async context =>
        {
            requests++;
            if (context.Request.Headers.IfNoneMatch == "\"dump-v1\"")
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.ContentType = "application/gzip";
            context.Response.Headers.ETag = "\"dump-v1\"";
            await context.Response.Body.WriteAsync(dump);
        });

        var id = await CrawlProbe.AddSourceAsync(host, new { name = "dump", kind = "dump", url = site.Url("dumps/big.tar.gz").AbsoluteUri });
        var source = await CrawlProbe.WaitForCrawlAsync(host, id);
        Assert.Equal("", source.Text("health", "lastError"));
        Assert.Equal("\"dump-v1\"", source.Text("state", "etag"));

        var documents = await CrawlProbe.DocumentsAsync(host);
        var chunks = documents.Where(d => d.Url.Contains("!leak/creds.txt#offset=", StringComparison.Ordinal)).ToList();
        Assert.True(chunks.Count >= 4, $"{chunks.Count} chunks");
        Assert.All(documents, d => Assert.True(d.Content.Length <= 65536));
        Assert.Contains(documents, d => d.Url.EndsWith("!readme.txt#offset=0", StringComparison.Ordinal));
        var whole = Assert.Single(chunks, c => Encoding.ASCII.GetString(c.Content).Contains(Secret, StringComparison.Ordinal));
        Assert.EndsWith("#offset=64512", whole.Url); // the second chunk: 64 KiB minus the 1 KiB overlap

        // The matcher finds it in that chunk: one incident.
        await Eventually.UntilAsync(async () => (await host.Api.GetFromJsonAsync<JsonElement>("incidents")).GetArrayLength(),
            n => n >= 1, TimeSpan.FromSeconds(60), "an incident for the dumped secret");

        var previous = await CrawlProbe.CrawlAgainAsync(host, id);
        source = await CrawlProbe.WaitForCrawlAsync(host, id, previous);
        Assert.Equal("not modified", source.Text("health", "lastOutcome"));
        Assert.Equal(2, requests);
        Assert.Equal(documents.Count, (await CrawlProbe.DocumentsAsync(host)).Count);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_feed_answering_304_to_its_etag_is_not_read_again()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var site = await LoopbackServer.StartAsync();
        site.MapText("/raw/1", "text/plain", () => "paste one\n");
        site.Map("/feed.xml", context =>
        {
            if (context.Request.Headers.IfModifiedSince == "Tue, 01 Dec 2026 10:00:00 GMT")
            {
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }
            context.Response.ContentType = "application/rss+xml";
            context.Response.Headers.LastModified = "Tue, 01 Dec 2026 10:00:00 GMT";
            return context.Response.WriteAsync(FakeSites.Rss(site, ["/raw/1"]));
        });
        var id = await CrawlProbe.AddSourceAsync(host, new { name = "feed", kind = "feed", url = site.Url("feed.xml").AbsoluteUri });
        await CrawlProbe.WaitForCrawlAsync(host, id);

        var previous = await CrawlProbe.CrawlAgainAsync(host, id);
        var source = await CrawlProbe.WaitForCrawlAsync(host, id, previous);

        Assert.Equal("not modified", source.Text("health", "lastOutcome"));
        Assert.Single(site.Requests, r => r.Path == "/raw/1");
        Assert.Equal(2, site.Requests.Count(r => r.Path == "/feed.xml"));
    }

    private static byte[] TarGz(params (string Name, string Text)[] members)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, text) in members)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.ASCII.GetBytes(text)) });
            }
        }
        return output.ToArray();
    }
}
