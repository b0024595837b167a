using LeakMonitor.Core.Crawling;
using LeakMonitor.Core.Detection;
using LeakMonitor.Core.Response;
using LeakMonitor.Core.Storage;
using Microsoft.Azure.WebJobs;

namespace LeakMonitor.LocalHost;

/// <summary>
/// The local host's job table: the same names, queues and schedules as the Functions app (a test compares them with
/// its functions.metadata), each a call into Core.
/// </summary>
public sealed class LocalJobs(
    CrawlScheduler scheduler, CrawlSourceHandler crawler, MatchDocumentHandler matcher, HitHandler hits)
{
    [FunctionName("CrawlScheduler")]
    public Task CrawlScheduler([TimerTrigger("%Crawl:Schedule%")] TimerInfo timer, CancellationToken ct)
        => scheduler.RunAsync(ct);

    [FunctionName("CrawlSource")]
    public Task CrawlSource([QueueTrigger("%Queues:CrawlJobs%")] CrawlJob job, CancellationToken ct)
        => crawler.HandleAsync(job, ct);

    [FunctionName("MatchDocument")]
    public Task MatchDocument([QueueTrigger("%Queues:Documents%")] DocumentMessage message, CancellationToken ct)
        => matcher.HandleAsync(message, ct);

    [FunctionName("HandleHit")]
    public Task HandleHit([QueueTrigger("%Queues:Hits%")] HitMessage hit, CancellationToken ct)
        => hits.HandleAsync(hit, ct);
}
