using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Detection;

/// <summary>Log messages of the matching stage. Ids and counts only: never content, candidates or matched lines.</summary>
internal static partial class DetectionLog
{
    [LoggerMessage(EventId = 2001, EventName = "IndexLoaded", Level = LogLevel.Information,
        Message = "Registry index loaded: {Fingerprints} fingerprints in {Lengths} distinct lengths")]
    public static partial void IndexLoaded(ILogger logger, int fingerprints, int lengths);

    [LoggerMessage(EventId = 2002, EventName = "DocumentMatched", Level = LogLevel.Information,
        Message = "Document {DocumentId} ({Bytes} bytes) scanned against {Fingerprints} fingerprints: {Hits} hits")]
    public static partial void DocumentMatched(ILogger logger, string documentId, long bytes, int fingerprints, int hits);
}
