using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LeakMonitor.Core.Response;

/// <summary>The receiver's final answer (or why there was none).</summary>
public sealed record WebhookOutcome(bool Delivered, int? StatusCode, string Error, string Answer = "");

/// <summary>Posts signed JSON to a team's webhook, with retries on 5xx, 429 and timeouts.</summary>
public sealed class WebhookSender
{
    public const string ClientName = "webhooks";
    private readonly IHttpClientFactory clients;
    private readonly WebhookSigner signer;
    private readonly TimeProvider time;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public WebhookSender(IHttpClientFactory clients, WebhookSigner signer, IOptions<WebhookOptions> options,
        TimeProvider time)
    {
        this.clients = clients;
        this.signer = signer;
        this.time = time;
        pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 3,
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
            .AddTimeout(options.Value.Timeout)
            .Build();
    }

    public async Task<WebhookOutcome> SendAsync(Uri url, string team, string deliveryId, byte[] body,
        CancellationToken ct)
    {
        var key = signer.KeyFor(team);
        var client = clients.CreateClient(ClientName);
        try
        {
            using var response = await pipeline.ExecuteAsync(async token =>
            {
                // Signed per attempt, so a retry late in the backoff still carries a fresh timestamp.
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new ByteArrayContent(body)
                    {
                        Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
                    },
                };
                request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add(WebhookSigner.SignatureHeader, WebhookSigner.Sign(key, timestamp, body));
                request.Headers.Add(WebhookSigner.DeliveryHeader, deliveryId);
                request.Headers.Add("Idempotency-Key", deliveryId);
                return await client.SendAsync(request, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            // The endpoint's answer is recorded on the incident (bounded), never logged.
            var answer = await ReadAnswerAsync(response, ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new WebhookOutcome(true, (int)response.StatusCode, "", answer)
                : new WebhookOutcome(false, (int)response.StatusCode,
                    $"answered {(int)response.StatusCode} {response.ReasonPhrase}", answer);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            return new WebhookOutcome(false, null, e.Message);
        }
    }

    private const int MaxAnswerChars = 512;

    private static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return text.Length <= MaxAnswerChars ? text : text[..MaxAnswerChars];
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}
