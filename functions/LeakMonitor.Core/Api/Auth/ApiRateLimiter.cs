using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>
/// A token bucket per caller (a key id, an Entra object id, or the remote address of an unauthenticated caller), in
/// Core so both hosts limit alike. Written against <see cref="TimeProvider"/> rather than
/// System.Threading.RateLimiting, whose buckets replenish on their own timer and cannot be tested without sleeping.
/// Per instance: with several Functions instances the effective limit is a multiple, which is what a limit against
/// runaway scripts and key guessing needs; it is not a billing quota.
/// </summary>
public sealed class ApiRateLimiter(IOptions<ApiOptions> options, TimeProvider time)
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private readonly double perSecond = options.Value.RateLimitPerMinute / 60.0;
    private readonly double burst = options.Value.RateLimitBurst;

    /// <summary>Takes one token; null when the request may go on, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string caller)
    {
        var now = time.GetTimestamp();
        if (buckets.Count > PruneAbove)
        {
            Prune(now);
        }
        var bucket = buckets.GetOrAdd(caller, _ => new Bucket(burst, now));
        lock (bucket)
        {
            bucket.Refill(now, perSecond, burst, time);
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }
            return TimeSpan.FromSeconds(Math.Ceiling((1 - bucket.Tokens) / perSecond));
        }
    }

    /// <summary>Forgets full buckets: a caller that has waited long enough is indistinguishable from a new one.</summary>
    private void Prune(long now)
    {
        foreach (var (key, bucket) in buckets)
        {
            lock (bucket)
            {
                bucket.Refill(now, perSecond, burst, time);
                if (bucket.Tokens >= burst)
                {
                    buckets.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;
        private long at = at;

        public void Refill(long now, double perSecond, double burst, TimeProvider time)
        {
            Tokens = Math.Min(burst, Tokens + time.GetElapsedTime(at, now).TotalSeconds * perSecond);
            at = now;
        }
    }
}
