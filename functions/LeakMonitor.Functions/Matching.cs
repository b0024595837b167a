using LeakMonitor.Core.Detection;
using LeakMonitor.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace LeakMonitor.Functions;

/// <summary>Matching: each stored document is scanned against every registered fingerprint.</summary>
public sealed class Matching(MatchDocumentHandler matcher)
{
    [Function("MatchDocument")]
    public Task MatchDocument([QueueTrigger("%Queues:Documents%")] DocumentMessage message, CancellationToken ct)
        => matcher.HandleAsync(message, ct);
}
