using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace LeakMonitor.Core.Crawling;

/// <summary>A listing page read with CSS selectors: its items, and the next page if any.</summary>
public sealed record HtmlListingPage(List<ListingItem> Items, Uri? Next);

/// <summary>
/// HTML as a crawler needs it, with AngleSharp (which parses malformed HTML the way browsers do): item links and the
/// next page of a listing by CSS selectors, and the text a reader sees — scripts and styles dropped, blocks on their
/// own lines, &lt;pre&gt; and &lt;code&gt; kept exactly (line breaks and indentation matter for keys and configs).
/// </summary>
public static class HtmlPages
{
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
        { "script", "style", "noscript", "template", "head", "iframe", "object", "svg", "canvas" };
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "body", "html",
    };

    public static IHtmlDocument Parse(byte[] body, string? charset)
        => new HtmlParser().ParseDocument(LimitNesting(TextDecoding.Decode(body, charset)));

    /// <summary>Deeper than this, further start tags are read as text (browsers cap the DOM depth too).</summary>
    internal const int MaxNesting = 2048;

    private static readonly HashSet<string> Void = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        // end tags optional: they close themselves, so they do not nest in practice
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rtc", "rp", "colgroup", "thead",
        "tbody", "tfoot", "caption",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> VoidByName =
        Void.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// AngleSharp's tree building is quadratic in nesting depth (20,000 unclosed divs: ~1 s and hundreds of MB;
    /// 1 MiB of them: minutes), so a hostile page could hold a crawl worker. Start tags beyond
    /// <see cref="MaxNesting"/> open elements lose their '&lt;' and stay as text — the page's text, and any secret
    /// in it, is still there. One pass; the page is copied only when it is that deep.
    /// </summary>
    internal static string LimitNesting(string html)
    {
        StringBuilder? limited = null;
        var depth = 0;
        var copied = 0;
        for (var i = html.IndexOf('<'); i >= 0 && i + 1 < html.Length; i = html.IndexOf('<', i + 1))
        {
            var closing = html[i + 1] == '/';
            var nameStart = closing ? i + 2 : i + 1;
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                continue;
            }
            var nameEnd = nameStart;
            while (nameEnd < html.Length && char.IsAsciiLetterOrDigit(html[nameEnd]))
            {
                nameEnd++;
            }
            if (VoidByName.Contains(html.AsSpan(nameStart, nameEnd - nameStart)))
            {
                continue;
            }
            if (closing)
            {
                depth = Math.Max(0, depth - 1);
                continue;
            }
            var tag = html.AsSpan(nameEnd, Math.Min(1024, html.Length - nameEnd));
            var end = tag.IndexOfAny('<', '>');
            if (end > 0 && tag[end] == '>' && tag[end - 1] == '/')
            {
                continue; // self-closing
            }
            if (++depth <= MaxNesting)
            {
                continue;
            }
            limited ??= new StringBuilder(html.Length);
            limited.Append(html, copied, i - copied).Append(' ');
            copied = i + 1;
        }
        return limited is null ? html : limited.Append(html, copied, html.Length - copied).ToString();
    }

    public static HtmlListingPage ParseListing(byte[] body, string? charset, Uri pageUrl, HtmlConfig config)
    {
        using var document = Parse(body, charset);
        var idPattern = config.IdRegex;
        var items = new List<ListingItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in document.QuerySelectorAll(config.Links))
        {
            if (Href(element, pageUrl) is not { } link)
            {
                continue;
            }
            var match = idPattern.Match(link.AbsoluteUri);
            if (!match.Success)
            {
                continue;
            }
            var id = match.Groups["id"] is { Success: true } named ? named.Value
                : match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
            if (id.Length == 0 || !seen.Add(id))
            {
                continue;
            }
            if (config.RawUrl is { } template
                && Uri.TryCreate(pageUrl, template.Replace("{id}", Uri.EscapeDataString(id), StringComparison.Ordinal), out var raw))
            {
                items.Add(new ListingItem(id, raw, IsRawView: true));
            }
            else
            {
                items.Add(new ListingItem(id, link));
            }
        }
        var next = config.Next is { Length: > 0 } selector && document.QuerySelector(selector) is { } nextLink
            ? Href(nextLink, pageUrl) : null;
        return new HtmlListingPage(items, next);
    }

    /// <summary>The reader text of the elements matching <paramref name="selector"/> (all of the body when null).</summary>
    public static string ExtractText(byte[] body, string? charset, string? selector)
    {
        using var document = Parse(body, charset);
        var text = new StringBuilder();
        IEnumerable<INode> roots = selector is { Length: > 0 } ? document.QuerySelectorAll(selector)
            : document.Body is { } b ? [b] : [document.DocumentElement];
        foreach (var root in roots)
        {
            AppendReaderText(root, text);
            EndLine(text);
        }
        return text.ToString();
    }

    /// <summary>Text a reader sees, walked with an explicit stack (deeply nested junk cannot overflow it).</summary>
    internal static void AppendReaderText(INode root, StringBuilder text)
    {
        var stack = new Stack<(INode? Node, bool CloseBlock)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, closeBlock) = stack.Pop();
            if (closeBlock)
            {
                EndLine(text);
                continue;
            }
            switch (node)
            {
                case IText t:
                    AppendCollapsed(t.Data, text);
                    continue;
                case IElement e when Dropped.Contains(e.LocalName):
                    continue;
                case IElement e when e.LocalName is "pre" or "textarea" or "xmp" or "listing" or "plaintext":
                    EndLine(text);
                    text.Append(e.TextContent.Replace("\r\n", "\n", StringComparison.Ordinal));
                    EndLine(text);
                    continue;
                case IElement e when e.LocalName == "code":
                    text.Append(e.TextContent);
                    continue;
                case IElement e when e.LocalName == "br":
                    text.Append('\n');
                    continue;
                case IElement e when e.LocalName is "td" or "th":
                    if (text.Length > 0 && text[^1] is not ('\n' or '\t'))
                    {
                        text.Append('\t');
                    }
                    break;
                case IElement e when Blocks.Contains(e.LocalName):
                    EndLine(text);
                    stack.Push((null, true));
                    break;
            }
            if (node is null)
            {
                continue;
            }
            for (var child = node.LastChild; child is not null; child = child.PreviousSibling)
            {
                stack.Push((child, false));
            }
        }
    }

    private static void AppendCollapsed(string data, StringBuilder text)
    {
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] is not (' ' or '\n' or '\t'))
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c);
            }
        }
    }

    private static void EndLine(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }
    }

    private static Uri? Href(IElement element, Uri pageUrl)
    {
        var anchor = element.HasAttribute("href") ? element : element.QuerySelector("a[href]");
        var href = anchor?.GetAttribute("href");
        return href is not null && Uri.TryCreate(pageUrl, href.Trim(), out var url)
            && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url : null;
    }
}
