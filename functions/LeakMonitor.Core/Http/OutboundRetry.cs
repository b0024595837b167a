using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LeakMonitor.Core.Http;

/// <summary>
/// The retry pipeline for calls LeakMonitor makes on a team's behalf (rotation webhooks, credential revocation):
/// jittered exponential retries on connection failures, timeouts, 429 and 5xx, with a per-attempt timeout.
/// </summary>
public static class OutboundRetry
{
    public static ResiliencePipeline<HttpResponseMessage> Create(TimeSpan attemptTimeout, TimeProvider time,
        int maxRetries = 3)
        => new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(attemptTimeout)
            .Build();
}
