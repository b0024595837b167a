using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Response;

/// <summary>Log messages of the response stage: ids and outcomes, never secrets, document text or endpoint answers.</summary>
internal static partial class ResponseLog
{
    [LoggerMessage(EventId = 3001, EventName = "FingerprintGone", Level = LogLevel.Information,
        Message = "Hit for fingerprint {FingerprintId} dropped: it was deleted")]
    public static partial void FingerprintGone(ILogger logger, string fingerprintId);

    [LoggerMessage(EventId = 3002, EventName = "IncidentUnchanged", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: hit already handled; nothing to do")]
    public static partial void NothingToDo(ILogger logger, string incidentId);

    [LoggerMessage(EventId = 3003, EventName = "WebhookDelivered", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: rotation webhook answered {StatusCode}")]
    public static partial void WebhookDelivered(ILogger logger, string incidentId, int statusCode);

    [LoggerMessage(EventId = 3004, EventName = "WebhookFailed", Level = LogLevel.Warning,
        Message = "Incident {IncidentId}: rotation webhook failed, the hit will be retried: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string incidentId, string reason);

    [LoggerMessage(EventId = 3005, EventName = "IncidentOpened", Level = LogLevel.Information,
        Message = "Incident {IncidentId} opened for secret {FingerprintId} (document {DocumentId})")]
    public static partial void IncidentOpened(ILogger logger, string incidentId, string fingerprintId, string documentId);

    [LoggerMessage(EventId = 3006, EventName = "OccurrenceAdded", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: secret also seen in document {DocumentId}; occurrence added, no new alert")]
    public static partial void OccurrenceAdded(ILogger logger, string incidentId, string documentId);

    [LoggerMessage(EventId = 3007, EventName = "AlertSent", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: {Kind} alert sent to {Channel} ({ChannelKey}), answered {StatusCode}")]
    public static partial void AlertSent(ILogger logger, string incidentId, AlertKind kind, string channel,
        string channelKey, int statusCode);

    [LoggerMessage(EventId = 3008, EventName = "AlertFailed", Level = LogLevel.Warning,
        Message = "Incident {IncidentId}: alert to {Channel} ({ChannelKey}) failed, the hit will be retried: {Reason}")]
    public static partial void AlertFailed(ILogger logger, string incidentId, string channel, string channelKey,
        string reason);

    [LoggerMessage(EventId = 3009, EventName = "DigestLeftToOwner", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: document {DocumentId} floods the team; {Channel} digest is sent by secret {Owner}")]
    public static partial void DigestLeftToOwner(ILogger logger, string incidentId, string documentId, string channel,
        string owner);

    [LoggerMessage(EventId = 3010, EventName = "IncidentResolvedHitIgnored", Level = LogLevel.Information,
        Message = "Incident {IncidentId} is resolved; hit of document {DocumentId} recorded, no action")]
    public static partial void IncidentResolved(ILogger logger, string incidentId, string documentId);

    [LoggerMessage(EventId = 3011, EventName = "GitHubRevocation", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: GitHub revocation revoked={Revoked} status={StatusCode} {Reason}")]
    public static partial void RevocationOutcome(ILogger logger, string incidentId, bool revoked, int statusCode,
        string reason);

    [LoggerMessage(EventId = 3012, EventName = "GitHubRevocationFailed", Level = LogLevel.Warning,
        Message = "Incident {IncidentId}: GitHub revocation failed, the hit will be retried: {Reason}")]
    public static partial void RevocationFailed(ILogger logger, string incidentId, string reason);
}
