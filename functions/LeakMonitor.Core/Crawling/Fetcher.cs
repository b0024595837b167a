using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LeakMonitor.Core.Crawling;

/// <summary>A fetch that failed for good (after retries): the status or reason is safe to show the user.</summary>
public sealed class FetchException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}

/// <summary>A fetched body, cut at the size cap.</summary>
public sealed record FetchResult(byte[] Body, bool Truncated, string? ContentType);

/// <summary>
/// Polite, bounded HTTP GETs for crawlers: per-attempt timeout, retries with jittered backoff that honour
/// Retry-After, and a size cap (a 10 GB body is read to the cap, then dropped).
/// </summary>
public sealed class Fetcher
{
    public const string ClientName = "crawler";
    private readonly IHttpClientFactory clients;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public Fetcher(IHttpClientFactory clients, IOptions<CrawlOptions> options, TimeProvider time)
    {
        this.clients = clients;
        pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.Value.RequestTimeout)
            .Build();
    }

    public async Task<FetchResult> GetAsync(Uri url, long maxBytes, CancellationToken ct)
    {
        var client = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(
                async token => await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token)
                    .ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            throw new FetchException($"GET {url} failed: {e.Message}");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new FetchException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}",
                    response.StatusCode);
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            var (bytes, truncated) = await ReadCappedAsync(body, maxBytes, ct).ConfigureAwait(false);
            return new FetchResult(bytes, truncated, response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static async Task<(byte[] Bytes, bool Truncated)> ReadCappedAsync(Stream body, long maxBytes,
        CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await body.ReadAsync(chunk, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer.ToArray(), false);
            }
            var room = maxBytes - buffer.Length;
            if (read > room)
            {
                buffer.Write(chunk, 0, (int)room);
                return (buffer.ToArray(), true);
            }
            buffer.Write(chunk, 0, read);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var retryAfter = response?.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date - DateTimeOffset.UtcNow);
        // Honour the server's wish, within reason: a crawl job is retried on the next schedule anyway.
        return delay is { } d && d > TimeSpan.Zero ? TimeSpan.FromSeconds(Math.Min(d.TotalSeconds, 60)) : null;
    }
}
