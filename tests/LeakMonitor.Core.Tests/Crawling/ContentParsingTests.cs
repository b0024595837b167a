using System.Text;
using LeakMonitor.Core.Crawling;

namespace LeakMonitor.Core.Tests.Crawling;

/// <summary>HTML by selectors, reader text, charsets, JSON API mappings and robots.txt.</summary>
public sealed class ContentParsingTests
{
    private static readonly Uri Page = new("https://pastes.example/archive?page=1");

    [Fact]
    public void Html_listing_gives_item_ids_raw_urls_and_the_next_page_from_css_selectors()
    {
        var html = """
            <html><body><table class="archive">
              <tr><td><a class="paste" href="/Ab12Cd">first</a></td></tr>
              <tr><td><a class="paste" href="https://pastes.example/Zz99Yy?ref=x">second</a></td></tr>
              <tr><td><a class="paste" href="/Ab12Cd">duplicate</a></td></tr>
              <tr><td><a href="/login">not an item</a></td></tr>
            </table><a class="next" href="/archive?page=2">next</a>
            """; // unclosed body and html: malformed on purpose
        var config = new HtmlConfig { Links = "a.paste", Next = "a.next", RawUrl = "/raw/{id}", IdPattern = "/(?<id>[A-Za-z0-9]{6})(?:[?#]|$)" };
        var page = HtmlPages.ParseListing(Encoding.UTF8.GetBytes(html), null, Page, config);
        Assert.Equal(
        [
            new ListingItem("Ab12Cd", new Uri("https://pastes.example/raw/Ab12Cd"), IsRawView: true),
            new ListingItem("Zz99Yy", new Uri("https://pastes.example/raw/Zz99Yy"), IsRawView: true),
        ], page.Items);
        Assert.Equal(new Uri("https://pastes.example/archive?page=2"), page.Next);
    }

    [Fact]
    public void Reader_text_drops_scripts_and_styles_and_keeps_pre_exactly()
    {
        var html = """
            <html><head><title>t</title><style>.x{color:red}</style></head><body>
            <script>var token = "not content";</script>
            <h1>My   paste</h1><p>line one<br>line two</p>
            <pre>key:
              AKIA1234 &amp; more
            	tabbed</pre>
            <p>inline <code>a  b</code> code</p><div><span>unclosed
            """;
        var text = HtmlPages.ExtractText(Encoding.UTF8.GetBytes(html), "utf-8", null);
        Assert.DoesNotContain("not content", text);
        Assert.DoesNotContain("color:red", text);
        Assert.Contains("My paste\n", text);
        Assert.Contains("line one\nline two\n", text);
        Assert.Contains("key:\n  AKIA1234 & more\n\ttabbed\n", text);
        Assert.Contains("inline a  b code", text);
        Assert.Contains("unclosed", text);
    }

    [Fact]
    public void A_page_of_a_million_bytes_of_unclosed_divs_is_read_with_bounded_work_and_keeps_its_text()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 200_000)) + "token ghp_R8kT2mVx9QwLp4NzJ7hYc3BdF6sGa1UeKo5i";
        var before = GC.GetAllocatedBytesForCurrentThread();

        var text = HtmlPages.ExtractText(Encoding.UTF8.GetBytes(html), "utf-8", null);

        // Unguarded, AngleSharp spends minutes and gigabytes on this (quadratic in depth).
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 400L << 20);
        Assert.Contains("ghp_R8kT2mVx9QwLp4NzJ7hYc3BdF6sGa1UeKo5i", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_nesting_is_left_exactly_as_it_is()
    {
        var html = "<ul>" + string.Concat(Enumerable.Repeat("<li><div><p>x<br><img src=a.png/></div>", 5000)) + "</ul>"
            + string.Concat(Enumerable.Repeat("<span>", HtmlPages.MaxNesting - 1));
        Assert.Same(html, HtmlPages.LimitNesting(html));
        Assert.NotSame(html + "<span><span>", HtmlPages.LimitNesting(html + "<span><span>"));
    }

    [Fact]
    public void Content_selector_takes_only_the_paste()
    {
        var html = "<div class=nav>menu</div><div class=paste><pre>secret=1</pre></div><footer>f</footer>";
        Assert.Equal("secret=1\n", HtmlPages.ExtractText(Encoding.UTF8.GetBytes(html), null, "div.paste"));
    }

    [Fact]
    public void A_page_declared_latin1_but_sent_as_utf8_decodes_as_utf8()
    {
        var bytes = Encoding.UTF8.GetBytes("<p>Passwort: grün€</p>");
        Assert.Contains("grün€", HtmlPages.ExtractText(bytes, "iso-8859-1", null));
    }

    [Fact]
    public void A_page_declared_utf8_but_sent_as_latin1_decodes_by_its_meta_or_windows_1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var latin1 = Encoding.GetEncoding("iso-8859-1").GetBytes("<meta charset=iso-8859-1><p>grün</p>");
        Assert.Contains("grün", HtmlPages.ExtractText(latin1, "utf-8", null));
        var cp1252 = Encoding.GetEncoding(1252).GetBytes("<p>“quoted” grün</p>");
        Assert.Contains("“quoted” grün", HtmlPages.ExtractText(cp1252, null, null));
    }

    [Fact]
    public void Github_public_gists_give_one_item_per_file_raw_url()
    {
        var json = """
            [{"id":"aa11","files":{"a.env":{"raw_url":"https://gist.githubusercontent.com/u/aa11/raw/1/a.env"},
                                   "b.txt":{"raw_url":"https://gist.githubusercontent.com/u/aa11/raw/1/b.txt"}}},
             {"id":"bb22","files":{"c.py":{"raw_url":"https://gist.githubusercontent.com/u/bb22/raw/2/c.py"}}},
             {"id":"cc33","files":{}}]
            """;
        var items = JsonListing.Parse(Encoding.UTF8.GetBytes(json), new Uri("https://api.github.com/gists/public"),
            new JsonApiConfig { Id = "id", Url = "files.*.raw_url" });
        Assert.Equal(3, items.Count);
        Assert.Equal("bb22", items[2].Id);
        Assert.All(items, i => Assert.True(i.IsRawView));
        Assert.Equal(new Uri("https://gist.githubusercontent.com/u/aa11/raw/1/b.txt"), items[1].Url);
    }

    [Fact]
    public void Pastebin_scraping_api_items_map_key_and_scrape_url()
    {
        var json = """
            [{"scrape_url":"https://scrape.pastebin.com/api_scrape_item.php?i=0CeaNm8Y","full_url":"https://pastebin.com/0CeaNm8Y",
              "date":"1442911802","key":"0CeaNm8Y","size":"890","expire":"1442998159","title":"Once we all know","syntax":"php","user":""}]
            """;
        var item = Assert.Single(JsonListing.Parse(Encoding.UTF8.GetBytes(json), new Uri("https://scrape.pastebin.com/api_scraping.php?limit=100"),
            new JsonApiConfig { Id = "key", Url = "scrape_url" }));
        Assert.Equal("0CeaNm8Y", item.Id);
        Assert.Equal("https://scrape.pastebin.com/api_scrape_item.php?i=0CeaNm8Y", item.Url.AbsoluteUri);
    }

    [Fact]
    public void A_json_answer_that_is_not_a_list_is_a_clear_error()
    {
        // What the Pastebin scraping API answers to an IP that is not whitelisted.
        var e = Assert.Throws<System.Text.Json.JsonException>(() => JsonListing.Parse(
            Encoding.UTF8.GetBytes("""{"error":"YOUR IP: 1.2.3.4 DOES NOT HAVE ACCESS"}"""), Page,
            new JsonApiConfig { Id = "key", Url = "scrape_url" }));
        Assert.Contains("not an array", e.Message);
    }

    [Theory]
    [InlineData("/public/page", true)]
    [InlineData("/private/x", false)]
    [InlineData("/private/open/x", true)]
    [InlineData("/file.json", false)]
    [InlineData("/file.json?x=1", true)]
    [InlineData("/raw/abc", false)]
    public void Robots_rules_pick_our_group_and_the_longest_match(string path, bool allowed)
    {
        var robots = """
            User-agent: *
            Disallow: /

            User-agent: Googlebot
            User-agent: LeakMonitor
            Disallow: /private/
            Allow: /private/open/
            Disallow: /*.json$
            Disallow: /raw
            Crawl-delay: 2.5
            """;
        var rules = RobotsRules.Parse(robots, "LeakMonitor");
        Assert.Equal(allowed, rules.IsAllowed(path));
        Assert.Equal(TimeSpan.FromSeconds(2.5), rules.CrawlDelay);
    }

    [Fact]
    public void Robots_without_our_group_use_the_star_group()
        => Assert.False(RobotsRules.Parse("User-agent: *\nDisallow: /api/\n", "LeakMonitor").IsAllowed("/api/x"));
}
