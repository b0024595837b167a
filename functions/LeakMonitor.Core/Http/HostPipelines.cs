using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LeakMonitor.Core.Http;

/// <summary>What one host gets: its resilience pipeline and its politeness gate, built once and cached.</summary>
public sealed record HostPolicy(string Host, ResiliencePipeline<HttpResponseMessage> Pipeline, PolitenessGate Gate);

/// <summary>
/// One Polly pipeline per host name, so a failing site trips its own circuit and waits on its own backoff without
/// slowing any other. Outermost first: total timeout (bounds retries and their waits), retry (jittered exponential
/// backoff, or exactly the server's Retry-After), circuit breaker (stop hammering a host that keeps failing), and
/// a per-attempt timeout. The politeness gate is awaited inside, before every attempt.
/// </summary>
public sealed class HostPipelines(IOptions<CrawlOptions> options, TimeProvider time)
{
    public const int MaxRetries = 2;
    /// <summary>A server may ask for a pause up to this long; beyond it the item waits for the next crawl.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, Lazy<HostPolicy>> hosts = new(StringComparer.OrdinalIgnoreCase);

    public HostPolicy For(Uri url) => hosts.GetOrAdd(url.IdnHost, host => new(() => Build(host))).Value;

    /// <summary>Transient outcomes: worth retrying, and counted by the circuit breaker.</summary>
    public static bool IsTransient(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private HostPolicy Build(string host)
    {
        var crawl = options.Value;
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .Handle<IOException>()
            // A server asking for a longer pause than we wait inline is left alone until the next crawl.
            .HandleResult(r => IsTransient(r.StatusCode) && !(RequestedDelay(r, time) > MaxRetryAfter));
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time, InstanceName = host }
            .AddTimeout(crawl.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldHandle = transient,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 8,
                SamplingDuration = TimeSpan.FromSeconds(60),
                BreakDuration = TimeSpan.FromSeconds(30),
                ShouldHandle = transient,
            })
            .AddTimeout(crawl.RequestTimeout)
            .Build();
        return new HostPolicy(host, pipeline, new PolitenessGate(crawl.MinRequestInterval, time));
    }

    /// <summary>The server's Retry-After (seconds or a date) when we honour it inline; null = the default backoff.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
        => RequestedDelay(response, time) is { } d && d > TimeSpan.Zero && d <= MaxRetryAfter ? d : null;

    private static TimeSpan? RequestedDelay(HttpResponseMessage? response, TimeProvider time)
    {
        var retryAfter = response?.Headers.RetryAfter;
        return retryAfter?.Delta ?? (retryAfter?.Date - time.GetUtcNow());
    }
}
