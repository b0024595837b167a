using Azure;
using Azure.Data.Tables;

namespace LeakMonitor.Core.Registry;

/// <summary>A registered secret: its peppered fingerprint and where to respond. Partition = team, row = id.</summary>
public sealed partial class FingerprintEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Label { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>HMAC-SHA256(pepper, fingerprint), base64. Useless without the pepper held by the service.</summary>
    public string StoredHash { get; set; } = "";
    public int Length { get; set; }
    /// <summary>Optional pfv1 prefilter tag (32 bits, salt-keyed) as sent by the team; empty when none.</summary>
    public string Prefilter { get; set; } = "";
    /// <summary>Legacy single rotation webhook; still honoured as a <c>webhook</c> responder.</summary>
    public string WebhookUrl { get; set; } = "";
    /// <summary>JSON list of responders (<c>[{"type":"slack","url":"…"}]</c>): see Response/Responders.cs.</summary>
    public string Responders { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A source to crawl and its health. Partition = team (or <see cref="GlobalPartition"/>), row = id.</summary>
public sealed class SourceEntity : ITableEntity
{
    /// <summary>The partition of global sources, registered by platform admins and matched for every team. Not a valid
    /// team name, so no team can claim it.</summary>
    public const string GlobalPartition = "~global";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Url { get; set; } = "";
    public int IntervalMinutes { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset? LastScheduledAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public DateTimeOffset? LastFailureAt { get; set; }
    public string LastError { get; set; } = "";
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The kind's settings as JSON (selectors, JSON mapping, proxy, caps): see <c>Crawling/SourceConfig</c>.</summary>
    public string Config { get; set; } = "";

    // Crawl state kept with the source (one row, written with the health, under the row's ETag).
    /// <summary>ETag of the listing (or dump) at the last complete crawl, sent back as If-None-Match.</summary>
    public string ListingETag { get; set; } = "";
    /// <summary>Last-Modified of the listing (or dump) at the last complete crawl, sent back as If-Modified-Since.</summary>
    public DateTimeOffset? ListingLastModified { get; set; }
    /// <summary>Watermark: the newest item id of the last crawl (pagination stops at a page with nothing new).</summary>
    public string Cursor { get; set; } = "";
    /// <summary>What the last crawl did, for people: items listed, stored, failed, or "not modified".</summary>
    public string LastOutcome { get; set; } = "";
}

/// <summary>Source kinds the crawler knows.</summary>
public static class SourceKinds
{
    /// <summary>An RSS 2.0 or Atom feed whose items link to pastes.</summary>
    public const string Feed = "feed";
    /// <summary>A plain-text list of raw URLs, one per line.</summary>
    public const string UrlList = "urls";
    /// <summary>An HTML listing scraped with CSS selectors (links, content, next page), e.g. a paste site's archive.</summary>
    public const string Html = "html";
    /// <summary>A JSON API listing (GitHub public gists, Pastebin scraping API, ...) mapped by field paths.</summary>
    public const string Json = "json";
    /// <summary>One large file or archive (zip, gz, tar.gz), streamed and stored as overlapping chunks.</summary>
    public const string Dump = "dump";

    public static readonly string[] All = [Feed, UrlList, Html, Json, Dump];
}
