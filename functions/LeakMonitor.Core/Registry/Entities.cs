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
    public string WebhookUrl { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A source to crawl and its health. Partition = team (or "global"), row = id.</summary>
public sealed class SourceEntity : ITableEntity
{
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
}

/// <summary>Source kinds the crawler knows.</summary>
public static class SourceKinds
{
    /// <summary>An RSS 2.0 or Atom feed whose items link to pastes.</summary>
    public const string Feed = "feed";
    /// <summary>A plain-text list of raw URLs, one per line.</summary>
    public const string UrlList = "urls";

    public static readonly string[] All = [Feed, UrlList];
}
