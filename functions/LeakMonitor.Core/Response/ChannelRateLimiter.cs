namespace LeakMonitor.Core.Response;

/// <summary>
/// At most one message per interval per channel (Slack allows about one per second per incoming webhook). Keyed by
/// webhook URL; each caller reserves the next free slot and waits on the injected clock, so tests advance a
/// FakeTimeProvider instead of sleeping. Per process: instances scaled out each keep their own pace.
/// </summary>
public sealed class ChannelRateLimiter(TimeProvider time, TimeSpan interval)
{
    private const int PruneAbove = 1024;
    private readonly Dictionary<string, DateTimeOffset> nextFree = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Reserves the channel's next slot and returns how long to wait for it.</summary>
    public TimeSpan Reserve(string channel)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (nextFree.Count > PruneAbove)
            {
                foreach (var stale in nextFree.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList())
                {
                    nextFree.Remove(stale);
                }
            }
            var slot = nextFree.TryGetValue(channel, out var free) && free > now ? free : now;
            nextFree[channel] = slot + interval;
            return slot - now;
        }
    }

    public async Task WaitAsync(string channel, CancellationToken ct)
    {
        var wait = Reserve(channel);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
        }
    }
}
