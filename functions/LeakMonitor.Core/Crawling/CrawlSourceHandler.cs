using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// The <c>CrawlSource</c> stage: fetches a source's listing (feed, URL list, HTML pages, JSON API) or its dump,
/// stores each new item (or dump chunk) as a document blob and enqueues its claim check. Order per item: blob,
/// message, "enqueued" mark, "seen" mark, so a crash at any point repeats work rather than losing it. A failing site
/// marks the source's health; a failing item is retried next crawl when trying again can help, and dropped (logged)
/// when it cannot (404, a redirect loop). The listing's ETag/Last-Modified are kept only after a complete crawl, so
/// a conditional 304 never hides an item that still has to be retried.
/// </summary>
public sealed class CrawlSourceHandler(
    RegistryStore registry, Fetcher fetcher, DocumentStore documents, CrawlState state, MessageQueue queue,
    IOptions<QueueOptions> queues, IOptions<CrawlOptions> crawl, TimeProvider time,
    ILogger<CrawlSourceHandler> logger)
{
    private sealed record Listing(List<ListingItem> Items, bool NotModified, string? ETag, DateTimeOffset? LastModified);

    /// <summary>What a crawl leaves in the source row besides health.</summary>
    private sealed record Progress(string Outcome, string? ETag = null, DateTimeOffset? LastModified = null,
        bool KeepValidators = false, string? Cursor = null);

    public async Task HandleAsync(CrawlJob job, CancellationToken ct)
    {
        var source = await registry.GetSourceAsync(job.Team, job.SourceId, ct).ConfigureAwait(false);
        if (source is null || !source.Enabled)
        {
            CrawlLog.SourceGone(logger, job.SourceId);
            return;
        }
        SourceConfig config;
        try
        {
            config = SourceConfig.Parse(source.Config);
        }
        catch (JsonException e)
        {
            await FailAsync(source, $"the source's config is not valid: {e.Message}", ct).ConfigureAwait(false);
            return;
        }
        try
        {
            if (source.Kind == SourceKinds.Dump)
            {
                await CrawlDumpAsync(source, config, ct).ConfigureAwait(false);
            }
            else
            {
                await CrawlListingAsync(source, config, ct).ConfigureAwait(false);
            }
        }
        catch (FetchException e)
        {
            await FailAsync(source, e.Message, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException or RegexMatchTimeoutException
            or AngleSharp.Dom.DomException)
        {
            await FailAsync(source, $"the listing could not be read: {e.Message}", ct).ConfigureAwait(false);
        }
    }

    private async Task FailAsync(SourceEntity source, string error, CancellationToken ct)
    {
        CrawlLog.ListingFailed(logger, source.RowKey, error);
        await RecordAsync(source, error, new Progress("failed"), ct).ConfigureAwait(false);
    }

    private long ItemCap(SourceConfig config)
        => Math.Min(config.MaxBytes ?? crawl.Value.MaxDocumentBytes, crawl.Value.MaxDocumentBytes);

    private async Task CrawlListingAsync(SourceEntity source, SourceConfig config, CancellationToken ct)
    {
        var listing = await ListAsync(source, config, ct).ConfigureAwait(false);
        if (listing.NotModified)
        {
            CrawlLog.NotModified(logger, source.RowKey);
            await RecordAsync(source, null, new Progress("not modified", KeepValidators: true), ct).ConfigureAwait(false);
            return;
        }
        int stored = 0, failed = 0, dropped = 0, skipped = 0, considered = 0;
        var leftOver = false;
        foreach (var item in listing.Items)
        {
            if (await state.IsItemSeenAsync(source.RowKey, item.Id, ct).ConfigureAwait(false))
            {
                continue;
            }
            if (considered == crawl.Value.MaxItemsPerCrawl)
            {
                leftOver = true; // the rest wait for the next crawl
                break;
            }
            considered++;
            try
            {
                stored += await CollectAsync(source, config, item, ct).ConfigureAwait(false) ? 1 : 0;
                await state.MarkItemSeenAsync(source.RowKey, item.Id, ct).ConfigureAwait(false);
            }
            catch (FetchException e) when (e.Disallowed)
            {
                skipped++; // not seen: allowed again if robots.txt changes
                CrawlLog.ItemDisallowed(logger, source.RowKey, item.Url.AbsoluteUri, e.Message);
            }
            catch (FetchException e) when (!e.Retryable)
            {
                dropped++;
                CrawlLog.ItemDropped(logger, source.RowKey, item.Url.AbsoluteUri, e.Message);
                await state.MarkItemSeenAsync(source.RowKey, item.Id, ct).ConfigureAwait(false);
            }
            catch (FetchException e)
            {
                failed++; // not marked seen: the next crawl tries this item again
                CrawlLog.ItemFailed(logger, source.RowKey, item.Url.AbsoluteUri, e.Message);
            }
        }
        var outcome = $"{listing.Items.Count} listed, {stored} stored, {failed} failed (retried), {dropped} dropped, " +
            $"{skipped} disallowed by robots.txt{(leftOver ? ", more next crawl" : "")}";
        var error = failed > 0 ? $"{failed} item(s) failed; they are retried on the next crawl"
            : dropped > 0 ? $"{dropped} item(s) failed for good (see the log) and were dropped" : null;
        await RecordAsync(source, error, new Progress(outcome, listing.ETag, listing.LastModified,
            KeepValidators: failed == 0 && !leftOver, Cursor: listing.Items.FirstOrDefault()?.Id), ct).ConfigureAwait(false);
        CrawlLog.Crawled(logger, source.RowKey, listing.Items.Count, stored, failed);
    }

    private async Task<Listing> ListAsync(SourceEntity source, SourceConfig config, CancellationToken ct)
    {
        var url = new Uri(source.Url);
        var request = new FetchRequest(url, config)
        {
            IfNoneMatch = source.ListingETag.Length > 0 ? source.ListingETag : null,
            IfModifiedSince = source.ListingLastModified,
            Authorization = config.JsonApi?.Auth == "github" && crawl.Value.GitHubToken.Length > 0
                ? new AuthenticationHeaderValue("Bearer", crawl.Value.GitHubToken) : null,
        };
        var first = await fetcher.GetAsync(request, ItemCap(config), ct).ConfigureAwait(false);
        if (first.NotModified)
        {
            return new Listing([], true, null, null);
        }
        if (first.Truncated)
        {
            CrawlLog.Truncated(logger, source.RowKey, url.AbsoluteUri, ItemCap(config));
        }
        var items = source.Kind switch
        {
            SourceKinds.Feed => ListingParser.ParseFeed(first.Body, first.Url),
            SourceKinds.UrlList => ListingParser.ParseUrlList(first.Body, first.Url),
            SourceKinds.Json => JsonListing.Parse(first.Body, first.Url, config.JsonApi!),
            SourceKinds.Html => await ListHtmlAsync(source, config, first, ct).ConfigureAwait(false),
            _ => throw new FetchException($"unknown source kind '{source.Kind}'", retryable: false),
        };
        return new Listing(items, false, first.ETag, first.LastModified);
    }

    /// <summary>
    /// Listing pages by the next-link selector, at most MaxPages (endless pagination ends there), never the same
    /// page twice, and no further than the first page with nothing new (the watermark: older pages were read before).
    /// </summary>
    private async Task<List<ListingItem>> ListHtmlAsync(SourceEntity source, SourceConfig config, FetchResult first,
        CancellationToken ct)
    {
        var html = config.Html!;
        var items = new List<ListingItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal) { first.Url.AbsoluteUri };
        var page = first;
        for (var pages = 1; ; pages++)
        {
            var parsed = HtmlPages.ParseListing(page.Body, page.Charset, page.Url, html);
            var anyNew = false;
            foreach (var item in parsed.Items.Where(i => ids.Add(i.Id)))
            {
                items.Add(item);
                anyNew |= !await state.IsItemSeenAsync(source.RowKey, item.Id, ct).ConfigureAwait(false);
            }
            string? stop = parsed.Next is null ? null
                : pages >= html.MaxPages ? $"reached maxPages ({html.MaxPages})"
                : !visited.Add(parsed.Next.AbsoluteUri) ? "the next page was already read (a pagination loop)"
                : !anyNew ? "a page with nothing new"
                : items.Count >= crawl.Value.MaxItemsPerCrawl * 2 ? "enough items for this crawl"
                : "";
            if (stop is not "")
            {
                if (stop is not null)
                {
                    CrawlLog.PaginationStopped(logger, source.RowKey, pages, stop);
                }
                return items;
            }
            page = await fetcher.GetAsync(new FetchRequest(parsed.Next!, config), ItemCap(config), ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> CollectAsync(SourceEntity source, SourceConfig config, ListingItem item, CancellationToken ct)
    {
        var cap = ItemCap(config);
        var fetched = await fetcher.GetAsync(new FetchRequest(item.Url, config), cap, ct).ConfigureAwait(false);
        if (fetched.Truncated)
        {
            CrawlLog.Truncated(logger, source.RowKey, item.Url.AbsoluteUri, cap);
        }
        // A raw view is kept byte for byte (whatever its charset); an HTML page becomes the text a reader sees.
        var content = !item.IsRawView && IsHtml(fetched.ContentType)
            ? Encoding.UTF8.GetBytes(HtmlPages.ExtractText(fetched.Body, fetched.Charset, config.Html?.Content))
            : fetched.Body;
        return await StoreAsync(source, content, item.Url.AbsoluteUri, ct).ConfigureAwait(false);
    }

    private static bool IsHtml(string? mediaType) => mediaType is "text/html" or "application/xhtml+xml";

    /// <summary>Stores content and enqueues its claim check, unless the same content was already matched.</summary>
    private async Task<bool> StoreAsync(SourceEntity source, byte[] content, string url, CancellationToken ct)
    {
        var document = await documents.PutAsync(content, url, ct).ConfigureAwait(false);
        if (document.AlreadyStored && await state.IsDocumentEnqueuedAsync(document.DocumentId, ct).ConfigureAwait(false))
        {
            return false; // the same content, already matched (a re-post, or another source)
        }
        await queue.SendAsync(queues.Value.Documents,
            new DocumentMessage(document.DocumentId, document.BlobName, source.RowKey, url, document.Length), ct)
            .ConfigureAwait(false);
        await state.MarkDocumentEnqueuedAsync(document.DocumentId, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A dump: streamed (never whole) into overlapping chunks, each its own document. A cut at the cap (a bomb, or a
    /// dump larger than allowed) is reported in the health and not retried: the validators are kept, so the next
    /// crawl asks "modified?" instead of downloading it again.
    /// </summary>
    private async Task CrawlDumpAsync(SourceEntity source, SourceConfig config, CancellationToken ct)
    {
        var url = new Uri(source.Url);
        var options = crawl.Value;
        await using var response = await fetcher.OpenAsync(new FetchRequest(url, config)
        {
            IfNoneMatch = source.ListingETag.Length > 0 ? source.ListingETag : null,
            IfModifiedSince = source.ListingLastModified,
        }, ct).ConfigureAwait(false);
        if (response.NotModified)
        {
            CrawlLog.NotModified(logger, source.RowKey);
            await RecordAsync(source, null, new Progress("not modified", KeepValidators: true), ct).ConfigureAwait(false);
            return;
        }
        var dump = config.Dump ?? new DumpConfig();
        var cap = Math.Min(dump.MaxBytes ?? options.MaxDumpBytes, options.MaxDumpBytes);
        var reader = new DumpReader(new Chunker(options.ChunkBytes, options.ChunkOverlapBytes));
        int chunks = 0, stored = 0;
        DumpOutcome outcome;
        try
        {
            // No total deadline for a dump (it may rightly take minutes), but a stalled connection ends.
            await using var body = new StallGuardStream(response.Body, options.RequestTimeout, time);
            outcome = await reader.ReadAsync(body, dump.Format, cap, async (member, chunk, offset) =>
            {
                chunks++;
                var where = member is null ? $"{url.AbsoluteUri}#offset={offset}"
                    : $"{url.AbsoluteUri}!{member}#offset={offset}";
                stored += await StoreAsync(source, chunk, where, ct).ConfigureAwait(false) ? 1 : 0;
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or HttpRequestException
            or InvalidDataException or OperationCanceledException or FormatException)
        {
            // Chunks stored so far stay (content-addressed); the next crawl reads the dump again and skips them.
            throw Fetcher.BodyFailure(url, e is FormatException ? new InvalidDataException(e.Message, e) : e);
        }
        CrawlLog.DumpCollected(logger, source.RowKey, url.AbsoluteUri, outcome.Bytes, outcome.Members, chunks, stored);
        string? error = null;
        if (outcome.CapReason is { } reason)
        {
            CrawlLog.DumpCapped(logger, source.RowKey, url.AbsoluteUri, reason);
            error = $"dump cut at the cap: {reason}";
        }
        await RecordAsync(source, error, new Progress(
            $"{outcome.Bytes} bytes in {outcome.Members} member(s), {chunks} chunks, {stored} new", response.ETag,
            response.LastModified, KeepValidators: true), ct).ConfigureAwait(false);
    }

    private async Task RecordAsync(SourceEntity source, string? error, Progress progress, CancellationToken ct)
    {
        // Re-read (the scheduler may have touched the row since we loaded it) and retry on a conflict.
        for (var attempt = 0; attempt < 3; attempt++)
        {
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
                current.LastError = "";
            }
            else
            {
                current.LastFailureAt = now;
                current.LastError = error.Length > 500 ? error[..500] : error;
                current.ConsecutiveFailures++;
            }
            current.LastOutcome = progress.Outcome.Length > 300 ? progress.Outcome[..300] : progress.Outcome;
            if (progress.KeepValidators && (progress.ETag is not null || progress.LastModified is not null))
            {
                current.ListingETag = progress.ETag ?? "";
                current.ListingLastModified = progress.LastModified;
            }
            if (progress.Cursor is { } cursor)
            {
                current.Cursor = cursor.Length > 500 ? cursor[..500] : cursor;
            }
            if (await registry.TryUpdateSourceAsync(current, ct).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
