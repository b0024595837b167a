namespace LeakMonitor.Core.Http;

/// <summary>
/// Spaces requests to one host by at least an interval (a rate limiter that waits rather than rejects). Waiters
/// queue in order; time comes from the injected <see cref="TimeProvider"/>, so tests advance it instead of sleeping.
/// </summary>
public sealed class PolitenessGate(TimeSpan interval, TimeProvider time)
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private DateTimeOffset next = DateTimeOffset.MinValue;
    private TimeSpan interval = interval;

    /// <summary>The current spacing; a robots.txt Crawl-delay may raise it, never lower it.</summary>
    public TimeSpan Interval => interval;

    public void AtLeast(TimeSpan wanted)
    {
        if (wanted > interval)
        {
            interval = wanted;
        }
    }

    /// <summary>Returns when this caller may send its request.</summary>
    public async Task WaitAsync(CancellationToken ct)
    {
        await turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
            }
            next = time.GetUtcNow() + interval;
        }
        finally
        {
            turn.Release();
        }
    }
}
