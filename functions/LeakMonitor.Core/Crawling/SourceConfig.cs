using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using LeakMonitor.Core.Registry;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// A source's settings beyond its URL, stored as JSON with the source, so adding a paste site is configuration:
/// <code>
/// { "proxy": true | "socks5://host:port", "ignoreRobots": false, "maxBytes": 1048576,
///   "html": { "links": "css", "content": "css", "next": "css", "maxPages": 5,
///             "rawUrl": "https://site/raw/{id}", "idPattern": "regex with an 'id' group" },
///   "json": { "items": "path", "id": "path", "url": "path with * over arrays/objects", "auth": "github" },
///   "dump": { "format": "auto|raw|gz|zip|tar|tar.gz", "maxBytes": 1073741824 } }
/// </code>
/// </summary>
public sealed record SourceConfig
{
    public static readonly SourceConfig Empty = new();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>true = the default SOCKS5 proxy; a string = one of <c>Crawl:SocksProxies</c>. Onion hosts always use one.</summary>
    public JsonElement? Proxy { get; init; }
    /// <summary>Opt out of robots.txt (APIs meant for programs, e.g. the Pastebin scraping API).</summary>
    public bool IgnoreRobots { get; init; }
    /// <summary>Size cap of a listing page or item for this source (at most <c>Crawl:MaxDocumentBytes</c>).</summary>
    public long? MaxBytes { get; init; }
    public HtmlConfig? Html { get; init; }
    [JsonPropertyName("json")] public JsonApiConfig? JsonApi { get; init; }
    public DumpConfig? Dump { get; init; }

    public static SourceConfig Parse(string? json)
        => string.IsNullOrWhiteSpace(json) ? Empty
            : JsonSerializer.Deserialize<SourceConfig>(json, Json) ?? Empty;

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>The proxy this source's requests to <paramref name="url"/> go through, or null for a direct connection.</summary>
    public Uri? ProxyFor(Uri url, CrawlOptions options)
    {
        var proxies = options.Proxies;
        if (Proxy is { ValueKind: JsonValueKind.String } named)
        {
            return proxies.FirstOrDefault(p => string.Equals(p.OriginalString, named.GetString(), StringComparison.OrdinalIgnoreCase))
                ?? throw new FetchException($"proxy {named.GetString()} is not in Crawl:SocksProxies", retryable: false);
        }
        var wanted = Proxy is { ValueKind: JsonValueKind.True } || IsOnion(url);
        if (!wanted)
        {
            return null;
        }
        return proxies.Count > 0 ? proxies[0]
            : throw new FetchException("a SOCKS5 proxy is needed but Crawl:SocksProxies is empty", retryable: false);
    }

    public static bool IsOnion(Uri url) => url.IdnHost.EndsWith(".onion", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the configuration for a kind; returns field → problem (empty when valid).</summary>
    public static Dictionary<string, string[]> Validate(string kind, JsonElement? config, CrawlOptions options, out SourceConfig parsed)
    {
        var errors = new Dictionary<string, string[]>();
        parsed = Empty;
        if (config is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors["config"] = ["must be a JSON object"];
                return errors;
            }
            if (element.GetRawText().Length > 8192)
            {
                errors["config"] = ["must be at most 8192 characters of JSON"];
                return errors;
            }
            try
            {
                parsed = element.Deserialize<SourceConfig>(Json) ?? Empty;
            }
            catch (JsonException e)
            {
                errors["config"] = [e.Message];
                return errors;
            }
        }
        if (parsed.Proxy is { } proxy)
        {
            if (proxy.ValueKind == JsonValueKind.String)
            {
                if (!options.Proxies.Any(p => string.Equals(p.OriginalString, proxy.GetString(), StringComparison.OrdinalIgnoreCase)))
                {
                    errors["config.proxy"] = [$"must be true, false or one of Crawl:SocksProxies ({options.SocksProxies})"];
                }
            }
            else if (proxy.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors["config.proxy"] = ["must be true, false or a socks5:// URL from Crawl:SocksProxies"];
            }
        }
        if (parsed.MaxBytes is < 1024)
        {
            errors["config.maxBytes"] = ["must be at least 1024"];
        }
        switch (kind)
        {
            case SourceKinds.Html when parsed.Html is null:
                errors["config.html"] = ["is required for kind html (at least \"links\", a CSS selector)"];
                break;
            case SourceKinds.Html:
                parsed.Html.Validate(errors);
                break;
            case SourceKinds.Json when parsed.JsonApi is null:
                errors["config.json"] = ["is required for kind json (at least \"id\" and \"url\" field paths)"];
                break;
            case SourceKinds.Json:
                parsed.JsonApi.Validate(errors);
                break;
            case SourceKinds.Dump:
                (parsed.Dump ?? new DumpConfig()).Validate(errors);
                break;
        }
        return errors;
    }
}

/// <summary>An HTML listing: which links are items, where the content is, how to page, how to get the raw view.</summary>
public sealed record HtmlConfig
{
    /// <summary>CSS selector of the item links on a listing page (their href is the item).</summary>
    public string Links { get; init; } = "";
    /// <summary>CSS selector of the content on an item page; omitted = the page's whole reader text.</summary>
    public string? Content { get; init; }
    /// <summary>CSS selector of the link to the next listing page.</summary>
    public string? Next { get; init; }
    /// <summary>Listing pages read per crawl (endless pagination stops here).</summary>
    public int MaxPages { get; init; } = 5;
    /// <summary>Raw view of an item, <c>{id}</c> replaced by the id taken from the item link by <see cref="IdPattern"/>.</summary>
    public string? RawUrl { get; init; }
    /// <summary>Regex applied to the item link; group <c>id</c> (or group 1) is the item id. Default: the last path segment.</summary>
    public string? IdPattern { get; init; }

    internal Regex IdRegex => new(IdPattern ?? "(?<id>[^/?#]+)/?(?:[?#].*)?$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    internal void Validate(Dictionary<string, string[]> errors)
    {
        void Selector(string field, string? value, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    errors[$"config.html.{field}"] = ["is required (a CSS selector)"];
                }
                return;
            }
            try
            {
                new HtmlParser().ParseDocument("<p></p>").QuerySelectorAll(value);
            }
            catch (Exception e) when (e is AngleSharp.Dom.DomException or ArgumentException)
            {
                errors[$"config.html.{field}"] = [$"is not a valid CSS selector: {e.Message}"];
            }
        }
        Selector("links", Links, required: true);
        Selector("content", Content, required: false);
        Selector("next", Next, required: false);
        if (MaxPages is < 1 or > 100)
        {
            errors["config.html.maxPages"] = ["must be between 1 and 100"];
        }
        if (RawUrl is not null && (!RawUrl.Contains("{id}", StringComparison.Ordinal)
            || !Uri.TryCreate(RawUrl.Replace("{id}", "x", StringComparison.Ordinal), UriKind.RelativeOrAbsolute, out _)))
        {
            errors["config.html.rawUrl"] = ["must be a URL (absolute, or relative to the listing) containing {id}"];
        }
        if (IdPattern is not null)
        {
            try
            {
                _ = IdRegex;
            }
            catch (ArgumentException e)
            {
                errors["config.html.idPattern"] = [$"is not a valid regular expression: {e.Message}"];
            }
        }
    }
}

/// <summary>A JSON API listing mapped by dotted paths (<c>*</c> = every element of an array or value of an object).</summary>
public sealed record JsonApiConfig
{
    /// <summary>Path to the array of items; empty = the document itself is the array.</summary>
    public string Items { get; init; } = "";
    /// <summary>Path (within an item) to its id.</summary>
    public string Id { get; init; } = "";
    /// <summary>Path (within an item) to the content URL(s), e.g. <c>scrape_url</c> or <c>files.*.raw_url</c>.</summary>
    public string Url { get; init; } = "";
    /// <summary><c>github</c> = send <c>Crawl:GitHubToken</c> (when set) to the listing URL as a bearer token.</summary>
    public string? Auth { get; init; }

    internal void Validate(Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(Id))
        {
            errors["config.json.id"] = ["is required (the path of an item's id, e.g. \"key\")"];
        }
        if (string.IsNullOrWhiteSpace(Url))
        {
            errors["config.json.url"] = ["is required (the path of an item's content URL, e.g. \"files.*.raw_url\")"];
        }
        if (Auth is not (null or "github"))
        {
            errors["config.json.auth"] = ["must be \"github\" or absent"];
        }
    }
}

/// <summary>A dump: how to read it and how much of it to take.</summary>
public sealed record DumpConfig
{
    public static readonly string[] Formats = ["auto", "raw", "gz", "zip", "tar", "tar.gz"];

    /// <summary><c>auto</c> looks at the first bytes (gzip, zip, tar); the others force a reading.</summary>
    public string Format { get; init; } = "auto";
    /// <summary>Cap on the decompressed bytes taken per crawl (at most <c>Crawl:MaxDumpBytes</c>).</summary>
    public long? MaxBytes { get; init; }

    internal void Validate(Dictionary<string, string[]> errors)
    {
        if (!Formats.Contains(Format))
        {
            errors["config.dump.format"] = [$"must be one of: {string.Join(", ", Formats)}"];
        }
        if (MaxBytes is < 1024)
        {
            errors["config.dump.maxBytes"] = ["must be at least 1024"];
        }
    }
}
