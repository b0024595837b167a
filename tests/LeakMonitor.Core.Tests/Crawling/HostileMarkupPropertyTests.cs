using System.Text;
using System.Xml;
using FsCheck;
using FsCheck.Fluent;
using LeakMonitor.Core.Crawling;

namespace LeakMonitor.Core.Tests.Crawling;

/// <summary>
/// Property-based hostile markup: random and damaged HTML never throws out of reader-text extraction or listing
/// parsing; random and damaged feeds either parse or fail with the XmlException the crawler turns into a health mark.
/// </summary>
public sealed class HostileMarkupPropertyTests
{
    private const int Cases = 1000;
    private static readonly Uri Page = new("https://pastes.example/archive");
    private static readonly HtmlConfig Listing = new() { Links = "table.list a.paste", Next = "a.next", MaxPages = 3 };

    private static readonly string[] HtmlSeeds =
    [
        "<html><body><table class=list><tr><td><a class=paste href=/abc>x</a></td></tr></table><a class=next href=?p=2>n</a></body></html>",
        "<html><head><meta charset=windows-1252><script>var k='x'</script><style>p{}</style></head><body><pre>line 1\n  line 2</pre><p>a &amp; b &#x41;</p></body></html>",
        "<div><code>token=abc</code><br><ul><li>one<li>two</ul></div>",
    ];

    private static readonly string[] FeedSeeds =
    [
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><link>https://pastes.example/raw/1</link><guid>1</guid></item></channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>urn:1</id><link rel=\"alternate\" href=\"/raw/2\"/></entry></feed>",
    ];

    [Fact]
    public void Random_and_damaged_html_always_reduces_to_text_and_listings()
    {
        var inputs = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Select(s => Encoding.UTF8.GetBytes(s ?? "")),
            from seed in Gen.Elements(HtmlSeeds)
            from rng in ArbMap.Default.GeneratorFor<int>()
            select Damage(Encoding.UTF8.GetBytes(seed), rng));
        Prop.ForAll(inputs.ToArbitrary(), html =>
        {
            _ = HtmlPages.ExtractText(html, null, null);
            _ = HtmlPages.ExtractText(html, "utf-8", "pre, code");
            return HtmlPages.ParseListing(html, null, Page, Listing).Items is not null;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithEndSize(2048).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Damaged_feeds_parse_or_fail_with_an_xml_error_only()
    {
        var inputs = from seed in Gen.Elements(FeedSeeds)
                     from rng in ArbMap.Default.GeneratorFor<int>()
                     select Damage(Encoding.UTF8.GetBytes(seed), rng);
        Prop.ForAll(inputs.ToArbitrary(), xml =>
        {
            try
            {
                return ListingParser.ParseFeed(xml, Page) is not null;
            }
            catch (XmlException)
            {
                return true; // reported as the source's lastError
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true));
    }

    private static byte[] Damage(byte[] seed, int seedValue)
    {
        var rng = new Random(seedValue);
        var bytes = seed.ToList();
        for (var i = rng.Next(1, 8); i > 0 && bytes.Count > 0; i--)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(4))
            {
                case 0: bytes.RemoveAt(at); break;
                case 1: bytes.Insert(at, (byte)"<>&\"'=/ \n\0\xff"[rng.Next(11)]); break;
                case 2: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(40, bytes.Count - at))); break;
                default: bytes[at] = (byte)rng.Next(256); break;
            }
        }
        return [.. bytes];
    }
}
