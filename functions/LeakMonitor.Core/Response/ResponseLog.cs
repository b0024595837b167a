using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Response;

/// <summary>Log messages of the response stage: ids and outcomes, never secrets or document text.</summary>
internal static partial class ResponseLog
{
    [LoggerMessage(EventId = 3001, EventName = "FingerprintGone", Level = LogLevel.Information,
        Message = "Hit for fingerprint {FingerprintId} dropped: it was deleted")]
    public static partial void FingerprintGone(ILogger logger, string fingerprintId);

    [LoggerMessage(EventId = 3002, EventName = "IncidentUnchanged", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: already notified or no webhook; nothing to do")]
    public static partial void NothingToDo(ILogger logger, string incidentId);

    [LoggerMessage(EventId = 3003, EventName = "WebhookDelivered", Level = LogLevel.Information,
        Message = "Incident {IncidentId}: webhook answered {StatusCode}")]
    public static partial void WebhookDelivered(ILogger logger, string incidentId, int statusCode);

    [LoggerMessage(EventId = 3004, EventName = "WebhookFailed", Level = LogLevel.Warning,
        Message = "Incident {IncidentId}: webhook failed, the hit will be retried: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string incidentId, string reason);
}
