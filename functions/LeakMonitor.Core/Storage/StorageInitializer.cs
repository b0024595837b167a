using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Storage;

/// <summary>
/// Creates the queues, tables and container at start, so triggers poll existing queues from the first second.
/// A failure is logged, not fatal: each store also creates what it uses on first use.
/// </summary>
public sealed class StorageInitializer(
    StorageClients clients, IOptions<QueueOptions> queues, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var names = clients.Names;
        try
        {
            await Task.WhenAll(
                clients.QueueAsync(queues.Value.CrawlJobs), clients.QueueAsync(queues.Value.Documents),
                clients.QueueAsync(queues.Value.Hits),
                clients.TableAsync(names.FingerprintsTable), clients.TableAsync(names.SourcesTable),
                clients.TableAsync(names.IncidentsTable), clients.TableAsync(names.CrawlStateTable),
                clients.ContainerAsync(names.DocumentsContainer)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            StorageLog.InitializationFailed(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4001, EventName = "StorageInitializationFailed", Level = LogLevel.Warning,
        Message = "Could not create queues, tables or containers at start (retried on first use): {Reason}")]
    public static partial void InitializationFailed(ILogger logger, string reason);
}
