using LeakMonitor.Core.Response;
using LeakMonitor.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace LeakMonitor.Functions;

/// <summary>Response: each hit opens an incident and calls the owner's signed webhook, once.</summary>
public sealed class Response(HitHandler hits)
{
    [Function("HandleHit")]
    public Task HandleHit([QueueTrigger("%Queues:Hits%")] HitMessage hit, CancellationToken ct)
        => hits.HandleAsync(hit, ct);
}
