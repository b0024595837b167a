using System.Text;
using System.Xml;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// An item a listing points at: a stable id (guid/id, else the URL) and where its content is. A raw view's bytes
/// are stored as they come; an HTML page is reduced to its reader text.
/// </summary>
public sealed record ListingItem(string Id, Uri Url, bool IsRawView = false);

/// <summary>Parses source listings: RSS 2.0 / Atom feeds and plain lists of URLs.</summary>
public static class ListingParser
{
    /// <summary>Items of an RSS or Atom feed. DTDs and external entities are refused (no XXE, no billion laughs).</summary>
    public static List<ListingItem> ParseFeed(byte[] xml, Uri baseUrl)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = 64L << 20,
            IgnoreComments = true,
        };
        var items = new List<ListingItem>();
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        string? id = null, link = null;
        var inItem = false;
        reader.MoveToContent();
        // ReadElementContentAsString moves to the next node itself: only call Read() when nothing else advanced.
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "item" or "entry")
            {
                inItem = true;
                id = link = null;
            }
            else if (inItem && reader.NodeType == XmlNodeType.Element && reader.LocalName is "guid" or "id")
            {
                id = reader.ReadElementContentAsString().Trim();
                continue;
            }
            else if (inItem && reader.NodeType == XmlNodeType.Element && reader.LocalName == "link")
            {
                // Atom: <link href="..." rel="alternate"/>; RSS: <link>url</link>.
                var href = reader.GetAttribute("href");
                if (href is not null)
                {
                    if (reader.GetAttribute("rel") is null or "alternate" || link is null)
                    {
                        link = href;
                    }
                }
                else if (!reader.IsEmptyElement)
                {
                    link = reader.ReadElementContentAsString().Trim();
                    continue;
                }
            }
            else if (inItem && reader.NodeType == XmlNodeType.EndElement && reader.LocalName is "item" or "entry")
            {
                inItem = false;
                if (link is not null && Uri.TryCreate(baseUrl, link, out var url) && IsHttp(url))
                {
                    items.Add(new ListingItem(string.IsNullOrEmpty(id) ? url.AbsoluteUri : id, url));
                }
            }
            reader.Read();
        }
        return items;
    }

    /// <summary>One absolute http(s) URL per line; blank lines and <c>#</c> comments are skipped.</summary>
    public static List<ListingItem> ParseUrlList(byte[] text, Uri baseUrl)
    {
        var items = new List<ListingItem>();
        foreach (var raw in Encoding.UTF8.GetString(text).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (Uri.TryCreate(baseUrl, line, out var url) && IsHttp(url))
            {
                items.Add(new ListingItem(url.AbsoluteUri, url));
            }
        }
        return items;
    }

    private static bool IsHttp(Uri url) => url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps;
}
