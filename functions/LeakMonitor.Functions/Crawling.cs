using LeakMonitor.Core.Crawling;
using LeakMonitor.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace LeakMonitor.Functions;

/// <summary>Crawling: the timer fans out one job per due source; each job crawls one source.</summary>
public sealed class Crawling(CrawlScheduler scheduler, CrawlSourceHandler crawler)
{
    [Function("CrawlScheduler")]
    public Task CrawlScheduler([TimerTrigger("%Crawl:Schedule%")] TimerInfo timer, CancellationToken ct)
        => scheduler.RunAsync(ct);

    [Function("CrawlSource")]
    public Task CrawlSource([QueueTrigger("%Queues:CrawlJobs%")] CrawlJob job, CancellationToken ct)
        => crawler.HandleAsync(job, ct);
}
