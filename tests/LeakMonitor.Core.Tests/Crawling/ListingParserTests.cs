using System.Text;
using System.Xml;
using LeakMonitor.Core.Crawling;

namespace LeakMonitor.Core.Tests.Crawling;

public sealed class ListingParserTests
{
    private static readonly Uri Base = new("https://pastes.example/feeds/latest.xml");

    [Fact]
    public void Rss_items_give_their_links_and_guids()
    {
        var rss = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>t</title>
              <item><title>a</title><link>https://pastes.example/raw/1</link><guid>paste-1</guid></item>
              <item><title>b</title><link>/raw/2</link></item>
            </channel></rss>
            """;
        var items = ListingParser.ParseFeed(Encoding.UTF8.GetBytes(rss), Base);
        Assert.Equal(
        [
            new ListingItem("paste-1", new Uri("https://pastes.example/raw/1")),
            new ListingItem("https://pastes.example/raw/2", new Uri("https://pastes.example/raw/2")),
        ], items);
    }

    [Fact]
    public void Atom_entries_prefer_the_alternate_link()
    {
        var atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
              <entry><id>urn:paste:9</id><link rel="self" href="https://pastes.example/api/9"/>
                <link rel="alternate" href="https://pastes.example/raw/9"/></entry>
            </feed>
            """;
        var item = Assert.Single(ListingParser.ParseFeed(Encoding.UTF8.GetBytes(atom), Base));
        Assert.Equal("urn:paste:9", item.Id);
        Assert.Equal(new Uri("https://pastes.example/raw/9"), item.Url);
    }

    [Fact]
    public void Feed_with_a_dtd_is_refused_so_entity_expansion_cannot_blow_up()
    {
        var bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
            <rss><channel><item><link>&lol2;</link></item></channel></rss>
            """;
        Assert.Throws<XmlException>(() => ListingParser.ParseFeed(Encoding.UTF8.GetBytes(bomb), Base));
    }

    [Fact]
    public void Url_lists_skip_comments_blanks_and_non_http_schemes()
    {
        var text = "# raw dumps\nhttps://dumps.example/a.txt\n\n  /b.txt  \nftp://dumps.example/c\nfile:///etc/passwd\n";
        var items = ListingParser.ParseUrlList(Encoding.UTF8.GetBytes(text), Base);
        Assert.Equal(["https://dumps.example/a.txt", "https://pastes.example/b.txt"], items.Select(i => i.Url.AbsoluteUri));
    }
}
