using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// The <c>CrawlScheduler</c> stage: on each timer tick, one crawl job per enabled source that is due, so a slow
/// source never delays another. The job is enqueued before the source is marked, so a crash loses nothing
/// (at worst a source is crawled twice, which the seen-item state absorbs).
/// </summary>
public sealed class CrawlScheduler(
    RegistryStore registry, MessageQueue queue, IOptions<QueueOptions> queues, IOptions<CrawlOptions> crawl,
    TimeProvider time, ILogger<CrawlScheduler> logger)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var sources = await registry.ListSourcesAsync(team: null, ct).ConfigureAwait(false);
        var due = 0;
        foreach (var source in sources.Where(s => s.Enabled && IsDue(s, now)))
        {
            await queue.SendAsync(queues.Value.CrawlJobs, new CrawlJob(source.PartitionKey, source.RowKey, now), ct)
                .ConfigureAwait(false);
            source.LastScheduledAt = now;
            await registry.TryUpdateSourceAsync(source, ct).ConfigureAwait(false);
            due++;
        }
        CrawlLog.Scheduled(logger, due, sources.Count);
    }

    private bool IsDue(SourceEntity source, DateTimeOffset now)
    {
        var interval = TimeSpan.FromMinutes(source.IntervalMinutes > 0 ? source.IntervalMinutes
            : crawl.Value.DefaultIntervalMinutes);
        // A little slack, so a source with the same interval as the timer is not skipped every other tick.
        return source.LastScheduledAt is not { } last || now - last >= interval - TimeSpan.FromSeconds(5);
    }
}
