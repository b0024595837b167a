using Azure;
using Azure.Data.Tables;

namespace LeakMonitor.Core.Response;

/// <summary>
/// A registered secret seen in a document. Partition = team, row = incident id (derived from the fingerprint and
/// the document, so a redelivered hit finds the same row).
/// </summary>
public sealed class IncidentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string FingerprintId { get; set; } = "";
    public string Label { get; set; } = "";
    public string Status { get; set; } = IncidentStatus.Open;
    public string DocumentId { get; set; } = "";
    public string SourceId { get; set; } = "";
    public string Url { get; set; } = "";
    public long Line { get; set; }
    public long Offset { get; set; }
    public string DecoderChain { get; set; } = "";
    public DateTimeOffset DetectedAt { get; set; }
    public DateTimeOffset? WebhookDeliveredAt { get; set; }
    public int WebhookAttempts { get; set; }
    public int? WebhookStatusCode { get; set; }
    public string WebhookError { get; set; } = "";
}

public static class IncidentStatus
{
    public const string Open = "open";
    public const string Notified = "notified";
}
