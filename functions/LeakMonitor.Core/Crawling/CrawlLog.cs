using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Crawling;

/// <summary>Log messages of the crawling stages. URLs of public sources are fine; content never is.</summary>
internal static partial class CrawlLog
{
    [LoggerMessage(EventId = 1001, EventName = "CrawlScheduled", Level = LogLevel.Information,
        Message = "Scheduled {Due} of {Sources} sources")]
    public static partial void Scheduled(ILogger logger, int due, int sources);

    [LoggerMessage(EventId = 1002, EventName = "SourceGone", Level = LogLevel.Information,
        Message = "Source {SourceId} was deleted or disabled; crawl job dropped")]
    public static partial void SourceGone(ILogger logger, string sourceId);

    [LoggerMessage(EventId = 1003, EventName = "ListingFailed", Level = LogLevel.Warning,
        Message = "Source {SourceId}: listing failed: {Reason}")]
    public static partial void ListingFailed(ILogger logger, string sourceId, string reason);

    [LoggerMessage(EventId = 1004, EventName = "ItemFailed", Level = LogLevel.Warning,
        Message = "Source {SourceId}: item {Url} failed, retried next crawl: {Reason}")]
    public static partial void ItemFailed(ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 1005, EventName = "Crawled", Level = LogLevel.Information,
        Message = "Source {SourceId}: {Items} items listed, {Stored} new documents, {Failed} failed")]
    public static partial void Crawled(ILogger logger, string sourceId, int items, int stored, int failed);

    [LoggerMessage(EventId = 1006, EventName = "DocumentTruncated", Level = LogLevel.Warning,
        Message = "Source {SourceId}: {Url} is larger than {MaxBytes} bytes; only the first {MaxBytes} are matched")]
    public static partial void Truncated(ILogger logger, string sourceId, string url, long maxBytes);
}
