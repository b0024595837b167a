using System.Text.Json;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// Items of a JSON API listing by a small mapping (<see cref="JsonApiConfig"/>), so GitHub's public gists, the
/// Pastebin scraping API and other such APIs are configuration. Paths are dotted names; <c>*</c> walks every element
/// of an array or every value of an object (a gist's <c>files</c> is an object keyed by file name).
/// </summary>
public static class JsonListing
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static List<ListingItem> Parse(byte[] body, Uri listingUrl, JsonApiConfig config)
    {
        using var document = JsonDocument.Parse(body, Options);
        var containers = Select(document.RootElement, config.Items).ToList();
        if (containers.Count != 1 || containers[0].ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"'{(config.Items.Length == 0 ? "(the document)" : config.Items)}' is not an array of items");
        }
        var items = new List<ListingItem>();
        foreach (var item in containers[0].EnumerateArray())
        {
            var id = Select(item, config.Id).Select(Scalar).FirstOrDefault(v => v is { Length: > 0 });
            if (id is null)
            {
                continue;
            }
            var urls = Select(item, config.Url).Select(Scalar).OfType<string>().ToList();
            foreach (var value in urls)
            {
                if (Uri.TryCreate(listingUrl, value, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
                {
                    // One item per content URL; a gist with several files gives several.
                    items.Add(new ListingItem(urls.Count == 1 ? id : $"{id} {url.AbsoluteUri}", url, IsRawView: true));
                }
            }
        }
        return items;
    }

    internal static IEnumerable<JsonElement> Select(JsonElement element, string path)
    {
        IEnumerable<JsonElement> current = [element];
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current.SelectMany(e => Step(e, segment)).ToList();
        }
        return current;
    }

    private static IEnumerable<JsonElement> Step(JsonElement element, string segment)
    {
        if (segment == "*")
        {
            return element.ValueKind switch
            {
                JsonValueKind.Array => element.EnumerateArray().ToList(),
                JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value).ToList(),
                _ => [],
            };
        }
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment, out var value))
        {
            return [value];
        }
        if (element.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index >= 0
            && index < element.GetArrayLength())
        {
            return [element[index]];
        }
        return [];
    }

    private static string? Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };
}
