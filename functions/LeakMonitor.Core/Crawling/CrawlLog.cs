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

    [LoggerMessage(EventId = 1007, EventName = "ItemDropped", Level = LogLevel.Warning,
        Message = "Source {SourceId}: item {Url} failed for good and is not retried: {Reason}")]
    public static partial void ItemDropped(ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 1008, EventName = "ItemDisallowed", Level = LogLevel.Information,
        Message = "Source {SourceId}: item {Url} skipped: {Reason}")]
    public static partial void ItemDisallowed(ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 1009, EventName = "NotModified", Level = LogLevel.Information,
        Message = "Source {SourceId}: not modified since the last crawl")]
    public static partial void NotModified(ILogger logger, string sourceId);

    [LoggerMessage(EventId = 1010, EventName = "DumpCollected", Level = LogLevel.Information,
        Message = "Source {SourceId}: dump {Url}: {Bytes} bytes in {Members} member(s), {Chunks} chunks, {Stored} new")]
    public static partial void DumpCollected(ILogger logger, string sourceId, string url, long bytes, int members, int chunks,
        int stored);

    [LoggerMessage(EventId = 1011, EventName = "DumpCapped", Level = LogLevel.Warning,
        Message = "Source {SourceId}: dump {Url} cut: {Reason}")]
    public static partial void DumpCapped(ILogger logger, string sourceId, string url, string reason);

    [LoggerMessage(EventId = 1012, EventName = "RobotsUnreadable", Level = LogLevel.Information,
        Message = "{Url} could not be read ({Reason}); treated as absent")]
    public static partial void RobotsUnreadable(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 1013, EventName = "PaginationStopped", Level = LogLevel.Information,
        Message = "Source {SourceId}: pagination stopped after {Pages} page(s): {Reason}")]
    public static partial void PaginationStopped(ILogger logger, string sourceId, int pages, string reason);
}
