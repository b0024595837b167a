using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// The <c>CrawlSource</c> stage: fetches a source's listing, stores each new item as a document blob and enqueues
/// its claim check. Order per item: blob, message, "enqueued" mark, "seen" mark, so a crash at any point repeats
/// work rather than losing it. A failing site marks the source's health; a failing item is retried next crawl.
/// </summary>
public sealed class CrawlSourceHandler(
    RegistryStore registry, Fetcher fetcher, DocumentStore documents, CrawlState state, MessageQueue queue,
    IOptions<QueueOptions> queues, IOptions<CrawlOptions> crawl, TimeProvider time,
    ILogger<CrawlSourceHandler> logger)
{
    public async Task HandleAsync(CrawlJob job, CancellationToken ct)
    {
        var source = await registry.GetSourceAsync(job.Team, job.SourceId, ct).ConfigureAwait(false);
        if (source is null || !source.Enabled)
        {
            CrawlLog.SourceGone(logger, job.SourceId);
            return;
        }
        var listingUrl = new Uri(source.Url);
        List<ListingItem> items;
        try
        {
            var listing = await fetcher.GetAsync(listingUrl, crawl.Value.MaxDocumentBytes, ct).ConfigureAwait(false);
            items = source.Kind == SourceKinds.Feed
                ? ListingParser.ParseFeed(listing.Body, listingUrl)
                : ListingParser.ParseUrlList(listing.Body, listingUrl);
        }
        catch (Exception e) when (e is FetchException or System.Xml.XmlException)
        {
            await RecordHealthAsync(source, error: e.Message, ct).ConfigureAwait(false);
            CrawlLog.ListingFailed(logger, source.RowKey, e.Message);
            return;
        }

        int stored = 0, failed = 0, considered = 0;
        foreach (var item in items)
        {
            if (considered == crawl.Value.MaxItemsPerCrawl)
            {
                break;
            }
            if (await state.IsItemSeenAsync(source.RowKey, item.Id, ct).ConfigureAwait(false))
            {
                continue;
            }
            considered++;
            try
            {
                stored += await CollectAsync(source, item, ct).ConfigureAwait(false) ? 1 : 0;
                await state.MarkItemSeenAsync(source.RowKey, item.Id, ct).ConfigureAwait(false);
            }
            catch (FetchException e)
            {
                // Not marked seen: the next crawl tries this item again.
                failed++;
                CrawlLog.ItemFailed(logger, source.RowKey, item.Url.AbsoluteUri, e.Message);
            }
        }
        await RecordHealthAsync(source, error: failed == 0 ? null : $"{failed} item(s) failed; they are retried on the next crawl",
            ct).ConfigureAwait(false);
        CrawlLog.Crawled(logger, source.RowKey, items.Count, stored, failed);
    }

    private async Task<bool> CollectAsync(SourceEntity source, ListingItem item, CancellationToken ct)
    {
        var fetched = await fetcher.GetAsync(item.Url, crawl.Value.MaxDocumentBytes, ct).ConfigureAwait(false);
        if (fetched.Truncated)
        {
            CrawlLog.Truncated(logger, source.RowKey, item.Url.AbsoluteUri, crawl.Value.MaxDocumentBytes);
        }
        var document = await documents.PutAsync(fetched.Body, item.Url.AbsoluteUri, ct).ConfigureAwait(false);
        if (document.AlreadyStored && await state.IsDocumentEnqueuedAsync(document.DocumentId, ct).ConfigureAwait(false))
        {
            return false; // the same content, already matched (a re-post, or another source)
        }
        await queue.SendAsync(queues.Value.Documents,
            new DocumentMessage(document.DocumentId, document.BlobName, source.RowKey, item.Url.AbsoluteUri,
                document.Length), ct).ConfigureAwait(false);
        await state.MarkDocumentEnqueuedAsync(document.DocumentId, ct).ConfigureAwait(false);
        return true;
    }

    private async Task RecordHealthAsync(SourceEntity source, string? error, CancellationToken ct)
    {
        // Re-read: the scheduler may have touched the row since we loaded it.
        var current = await registry.GetSourceAsync(source.PartitionKey, source.RowKey, ct).ConfigureAwait(false);
        if (current is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        if (error is null)
        {
            current.LastSuccessAt = now;
            current.ConsecutiveFailures = 0;
        }
        else
        {
            current.LastFailureAt = now;
            current.LastError = error.Length > 500 ? error[..500] : error;
            current.ConsecutiveFailures++;
        }
        await registry.TryUpdateSourceAsync(current, ct).ConfigureAwait(false);
    }
}
