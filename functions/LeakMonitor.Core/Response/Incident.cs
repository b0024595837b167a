using Azure;
using Azure.Data.Tables;

namespace LeakMonitor.Core.Response;

/// <summary>
/// A registered secret that leaked. Partition = team, row = incident id. One incident per secret while it is open
/// (derived from team, secret and the secret's incident generation, which resolving bumps); each document it was
/// seen in is an <see cref="OccurrenceEntity"/>. Rotation and alert outcomes are recorded here, so a redelivered
/// or retried hit finishes what is pending and repeats nothing that succeeded.
/// </summary>
public sealed class IncidentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string FingerprintId { get; set; } = "";
    /// <summary>The secret's incident generation this id was derived from (resolving bumps the secret's).</summary>
    public int Generation { get; set; }
    public string Label { get; set; } = "";
    public string Status { get; set; } = IncidentStatus.Open;
    public DateTimeOffset StatusChangedAt { get; set; }
    public string StatusChangedBy { get; set; } = "";

    // The first occurrence: where the leak was first seen.
    public string DocumentId { get; set; } = "";
    public string SourceId { get; set; } = "";
    public string Url { get; set; } = "";
    public long Line { get; set; }
    public long Offset { get; set; }
    public string DecoderChain { get; set; } = "";
    public DateTimeOffset DetectedAt { get; set; }

    // The rotation webhook: attempts, the endpoint's last answer, and when it succeeded.
    public DateTimeOffset? WebhookDeliveredAt { get; set; }
    public int WebhookAttempts { get; set; }
    public int? WebhookStatusCode { get; set; }
    public string WebhookError { get; set; } = "";
    /// <summary>The first bytes of the endpoint's answer (what the owner's rotation service said).</summary>
    public string WebhookAnswer { get; set; } = "";

    // GitHub token revocation (the github responder).
    public DateTimeOffset? RevokedAt { get; set; }
    public int RevocationAttempts { get; set; }
    public int? RevocationStatusCode { get; set; }
    public string RevocationError { get; set; } = "";
    /// <summary>True once retrying cannot change the outcome (revoked, or not applicable to this leak).</summary>
    public bool RevocationFinal { get; set; }

    /// <summary>Responder keys (<see cref="Responder.Key"/>) that alerted for this incident, comma separated.</summary>
    public string AlertedChannels { get; set; } = "";
    /// <summary>Set when the alert went out as part of a document digest (a flood) instead of on its own.</summary>
    public string DigestDocumentId { get; set; } = "";
    public DateTimeOffset? EscalatedAt { get; set; }
    public string AlertError { get; set; } = "";

    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string AcknowledgedBy { get; set; } = "";
    public DateTimeOffset? ResolvedAt { get; set; }
    public string ResolvedBy { get; set; } = "";

    public bool HasAlerted(string key) => AlertedChannels.Split(',').Contains(key);

    public void MarkAlerted(string key)
        => AlertedChannels = AlertedChannels.Length == 0 ? key : $"{AlertedChannels},{key}";
}

/// <summary>
/// One document a secret was seen in. Partition = team + "|" + secret id, row = document id: a redelivered hit finds
/// its row and changes nothing; the same secret in another document adds a row to the open incident.
/// </summary>
public sealed class OccurrenceEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string IncidentId { get; set; } = "";
    public string SourceId { get; set; } = "";
    public string Url { get; set; } = "";
    public long Line { get; set; }
    public long Offset { get; set; }
    public string DecoderChain { get; set; } = "";
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>
/// The secret's incident generation. Partition = team, row = secret id. Resolving an incident bumps it, so the next
/// leak of the same secret opens a new incident.
/// </summary>
public sealed class SecretIncidentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Generation { get; set; }
}

/// <summary>
/// One digest alert per (team, document, channel) when a document floods a team with hits. Partition = team + "|" +
/// document id, row = responder key. The first hit to claim it (its secret id is the owner) sends it.
/// </summary>
public sealed class DigestEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string OwnerFingerprintId { get; set; } = "";
    public int Hits { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>open → rotating → rotated / rotation-failed → acknowledged → resolved.</summary>
public static class IncidentStatus
{
    public const string Open = "open";
    public const string Rotating = "rotating";
    public const string Rotated = "rotated";
    public const string RotationFailed = "rotation-failed";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public static readonly string[] All = [Open, Rotating, Rotated, RotationFailed, Acknowledged, Resolved];

    /// <summary>States the hit handler may still move (a person's acknowledgement or resolution is never undone).</summary>
    public static bool IsAutomatic(string status) => status is Open or Rotating or Rotated or RotationFailed;
}
