using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LeakMonitor.Core.Response;

/// <summary>How a channel answered one attempt.</summary>
public sealed record AlertAttempt(int StatusCode, bool Retryable, TimeSpan? RetryAfter, string Error)
{
    public bool Delivered => StatusCode is >= 200 and < 300 && !Retryable;
}

/// <summary>
/// Posts alerts to Slack incoming webhooks and Teams Workflows webhooks: one message per second per channel at most,
/// retries with backoff on 5xx, 429 (honouring Retry-After) and timeouts, and treats a Teams answer that is 2xx but
/// says 429 / "Too many requests" in its body as the throttling it is.
/// </summary>
public sealed class AlertSender
{
    public const string ClientName = "alerts";
    private const int MaxAnswerBytes = 4096;
    private readonly IHttpClientFactory clients;
    private readonly ChannelRateLimiter limiter;
    private readonly ResiliencePipeline<AlertAttempt> pipeline;
    private readonly ResiliencePipeline attemptTimeout;

    public AlertSender(IHttpClientFactory clients, ChannelRateLimiter limiter, IOptions<AlertOptions> options,
        TimeProvider time)
    {
        this.clients = clients;
        this.limiter = limiter;
        pipeline = new ResiliencePipelineBuilder<AlertAttempt> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<AlertAttempt>
            {
                MaxRetryAttempts = options.Value.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = new PredicateBuilder<AlertAttempt>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.Retryable),
                // A channel that says when to come back is believed (capped, so a hit is not held for minutes).
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } after
                    ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(after.Ticks, TimeSpan.FromSeconds(30).Ticks))
                    : null),
            })
            .Build();
        // The timeout covers the HTTP attempt only, not the wait for the channel's rate-limit slot.
        attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Value.Timeout).Build();
    }

    public static byte[] Render(Responder channel, Alert alert) => channel.Type switch
    {
        ResponderTypes.Slack => AlertFormatter.Slack(alert),
        ResponderTypes.Teams => AlertFormatter.Teams(alert),
        _ => throw new ArgumentException($"{channel.Type} is not an alert channel", nameof(channel)),
    };

    public async Task<AlertAttempt> SendAsync(Responder channel, Alert alert, CancellationToken ct)
    {
        var body = Render(channel, alert);
        var url = new Uri(channel.Url!);
        var client = clients.CreateClient(ClientName);
        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                await limiter.WaitAsync(channel.Url!, token).ConfigureAwait(false);
                return await attemptTimeout.ExecuteAsync(t => PostAsync(client, url, body, channel.Type, t), token)
                    .ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            return new AlertAttempt(0, true, null, e.Message);
        }
    }

    private static async ValueTask<AlertAttempt> PostAsync(HttpClient client, Uri url, byte[] body, string channelType,
        CancellationToken token)
    {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new ByteArrayContent(body)
                    {
                        Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
                    },
                };
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token)
                    .ConfigureAwait(false);
                var answer = await ReadAnswerAsync(response, token).ConfigureAwait(false);
                return Classify(channelType, response, answer);
    }

    internal static AlertAttempt Classify(string channelType, HttpResponseMessage response, string answer)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
        {
            return new AlertAttempt(status, true, retryAfter, $"answered {status}");
        }
        if (response.IsSuccessStatusCode)
        {
            return channelType == ResponderTypes.Teams && IsThrottledInBody(answer)
                ? new AlertAttempt(status, true, retryAfter, $"answered {status} with a throttling error in the body")
                : new AlertAttempt(status, false, null, "");
        }
        return new AlertAttempt(status, false, null, $"answered {status}");
    }

    /// <summary>Teams Workflows can answer 200/202 and put the real outcome, 429, in the body.</summary>
    internal static bool IsThrottledInBody(string answer)
        => answer.Contains("Too many requests", StringComparison.OrdinalIgnoreCase)
           || answer.Contains("\"429\"", StringComparison.Ordinal)
           || answer.Contains("\"statusCode\":429", StringComparison.Ordinal)
           || answer.Contains("\"statusCode\": 429", StringComparison.Ordinal)
           || answer.Contains("TooManyRequests", StringComparison.OrdinalIgnoreCase);

    private static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxAnswerBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0)
            {
                total += read;
            }
            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
    }
}
