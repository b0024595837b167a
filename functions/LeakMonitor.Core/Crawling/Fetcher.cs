using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using LeakMonitor.Core.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// A fetch that failed for good (after retries): the status or reason is safe to show the user.
/// <see cref="Retryable"/> says whether trying again later may help (5xx, 429, timeouts, resets, an open circuit)
/// or not (404, a redirect loop, robots.txt saying no).
/// </summary>
public sealed class FetchException(string message, HttpStatusCode? status = null, bool retryable = true,
    bool disallowed = false) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
    public bool Retryable { get; } = retryable;
    /// <summary>robots.txt forbids the URL: not an error of the site, not worth retrying until robots.txt changes.</summary>
    public bool Disallowed { get; } = disallowed;
}

/// <summary>A GET as the crawler sends it: conditional validators and a token only go to the first URL's host.</summary>
public sealed record FetchRequest(Uri Url, SourceConfig Config)
{
    public string? IfNoneMatch { get; init; }
    public DateTimeOffset? IfModifiedSince { get; init; }
    public AuthenticationHeaderValue? Authorization { get; init; }
}

/// <summary>An open response: headers read, body not yet. Reading the body is bounded by <see cref="BodyToken"/>.</summary>
public sealed class FetchResponse : IAsyncDisposable
{
    private readonly HttpResponseMessage? response;
    private readonly CancellationTokenSource? bodyTimeout;

    internal FetchResponse(Uri url, HttpResponseMessage? response, Stream body, CancellationTokenSource? bodyTimeout)
    {
        Url = url;
        this.response = response;
        this.bodyTimeout = bodyTimeout;
        Body = body;
        NotModified = response?.StatusCode == HttpStatusCode.NotModified;
        ETag = response?.Headers.ETag?.ToString();
        LastModified = response?.Content.Headers.LastModified;
        MediaType = response?.Content.Headers.ContentType?.MediaType;
        Charset = response?.Content.Headers.ContentType?.CharSet;
        ContentLength = response?.Content.Headers.ContentLength;
    }

    /// <summary>The URL finally answered (after redirects).</summary>
    public Uri Url { get; }
    public bool NotModified { get; }
    public string? ETag { get; }
    public DateTimeOffset? LastModified { get; }
    public string? MediaType { get; }
    public string? Charset { get; }
    public long? ContentLength { get; }
    public Stream Body { get; }
    public CancellationToken BodyToken => bodyTimeout?.Token ?? CancellationToken.None;

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync().ConfigureAwait(false);
        response?.Dispose();
        bodyTimeout?.Dispose();
    }
}

/// <summary>A fetched body, cut at the size cap, with what the response said about it.</summary>
public sealed record FetchResult(byte[] Body, bool Truncated, string? ContentType, string? Charset, Uri Url,
    bool NotModified = false, string? ETag = null, DateTimeOffset? LastModified = null);

/// <summary>
/// Polite, bounded HTTP GETs for crawlers. Each request goes through its host's Polly pipeline (timeouts, retries
/// honouring Retry-After, circuit breaker) and politeness gate; robots.txt is honoured (cached per origin) unless the
/// source opts out; redirects are followed here, at most five, each hop checked again; bodies are read to a cap
/// (a 10 GB body is read to the cap, then dropped) within the total timeout.
/// </summary>
public sealed class Fetcher(
    CrawlerHttp http, HostPipelines pipelines, OutboundGuard guard, IOptions<CrawlOptions> options, TimeProvider time,
    ILogger<Fetcher> logger)
{
    public const int MaxRedirects = 5;
    private const int MaxRobotsBytes = 512 * 1024;
    private static readonly TimeSpan RobotsLifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (RobotsRules Rules, DateTimeOffset Expires)> robots =
        new(StringComparer.OrdinalIgnoreCase);

    /// <summary>GETs a URL and reads its body up to <paramref name="maxBytes"/>.</summary>
    public async Task<FetchResult> GetAsync(FetchRequest request, long maxBytes, CancellationToken ct)
    {
        await using var response = await OpenAsync(request, ct).ConfigureAwait(false);
        if (response.NotModified)
        {
            return new FetchResult([], false, null, null, response.Url, NotModified: true, response.ETag, response.LastModified);
        }
        var (bytes, truncated) = await ReadCappedAsync(response, maxBytes, ct).ConfigureAwait(false);
        return new FetchResult(bytes, truncated, response.MediaType, response.Charset, response.Url, false,
            response.ETag, response.LastModified);
    }

    /// <summary>GETs a URL and returns the open response (for streaming); the caller disposes it.</summary>
    public async Task<FetchResponse> OpenAsync(FetchRequest request, CancellationToken ct)
    {
        var url = request.Url;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        for (var hop = 0; ; hop++)
        {
            if (!visited.Add(url.AbsoluteUri))
            {
                throw new FetchException($"GET {request.Url} is a redirect loop (back to {url})", retryable: false);
            }
            if (hop > MaxRedirects)
            {
                throw new FetchException($"GET {request.Url} redirected more than {MaxRedirects} times", retryable: false);
            }
            if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            {
                throw new FetchException($"GET {url}: only http(s) is fetched", retryable: false);
            }
            var proxy = request.Config.ProxyFor(url, options.Value);
            if (proxy is not null && guard.CheckProxiedTarget(url) is { } refused)
            {
                throw new FetchException(refused, retryable: false);
            }
            if (!request.Config.IgnoreRobots)
            {
                await EnsureAllowedAsync(url, request.Config, ct).ConfigureAwait(false);
            }
            var first = hop == 0;
            var response = await SendAsync(url, proxy, first ? request : request with
            {
                IfNoneMatch = null, IfModifiedSince = null,
                Authorization = url.IdnHost == request.Url.IdnHost ? request.Authorization : null,
            }, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                var location = response.Headers.Location;
                response.Dispose();
                if (location is null)
                {
                    throw new FetchException($"GET {url} answered {status} without a Location", retryable: false);
                }
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResponse(url, response, Stream.Null, null);
            }
            if (!response.IsSuccessStatusCode)
            {
                var code = response.StatusCode;
                var reason = response.ReasonPhrase;
                response.Dispose();
                throw new FetchException($"GET {url} answered {status} {reason}", code, HostPipelines.IsTransient(code));
            }
            var bodyTimeout = new CancellationTokenSource(options.Value.TotalTimeout, time);
            try
            {
                var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                return new FetchResponse(url, response, body, bodyTimeout);
            }
            catch
            {
                bodyTimeout.Dispose();
                response.Dispose();
                throw;
            }
        }
    }

    /// <summary>Reads an open body up to a cap; failures mid-body are retryable fetch failures.</summary>
    public static async Task<(byte[] Bytes, bool Truncated)> ReadCappedAsync(FetchResponse response, long maxBytes,
        CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, response.BodyToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            while (true)
            {
                var read = await response.Body.ReadAsync(chunk, linked.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.ToArray(), false);
                }
                var room = maxBytes - buffer.Length;
                if (read >= room)
                {
                    buffer.Write(chunk, 0, (int)room);
                    // Exactly at the cap is only a cut if more follows; one more byte tells.
                    var more = read > room || await response.Body.ReadAsync(chunk.AsMemory(0, 1), linked.Token).ConfigureAwait(false) > 0;
                    return (buffer.ToArray(), more);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException
            or InvalidDataException)
        {
            throw BodyFailure(response.Url, e);
        }
    }

    internal static FetchException BodyFailure(Uri url, Exception e) => e is OperationCanceledException
        ? new FetchException($"GET {url}: reading the body took longer than Crawl:TotalTimeout")
        : e is InvalidDataException
            ? new FetchException($"GET {url}: the body is not valid compressed data: {e.Message}", retryable: false)
            : new FetchException($"GET {url}: the connection failed while reading the body: {e.Message}");

    private async Task<HttpResponseMessage> SendAsync(Uri url, Uri? proxy, FetchRequest request, CancellationToken ct)
    {
        var policy = pipelines.For(url);
        var client = http.Client(proxy);
        try
        {
            return await policy.Pipeline.ExecuteAsync(async token =>
            {
                await policy.Gate.WaitAsync(token).ConfigureAwait(false);
                var message = new HttpRequestMessage(HttpMethod.Get, url);
                if (request.IfNoneMatch is { Length: > 0 } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
                {
                    message.Headers.IfNoneMatch.Add(tag);
                }
                if (request.IfModifiedSince is { } since)
                {
                    message.Headers.IfModifiedSince = since;
                }
                message.Headers.Authorization = request.Authorization;
                return await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested
            && e is HttpRequestException or TimeoutRejectedException or IOException or BrokenCircuitException)
        {
            var reason = e switch
            {
                TimeoutRejectedException => "timed out",
                BrokenCircuitException => $"not sent: {url.IdnHost} failed too often recently (circuit open)",
                _ => $"failed: {e.Message}",
            };
            throw new FetchException($"GET {url} {reason}");
        }
    }

    private async Task EnsureAllowedAsync(Uri url, SourceConfig config, CancellationToken ct)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        var now = time.GetUtcNow();
        if (!robots.TryGetValue(origin, out var cached) || cached.Expires <= now)
        {
            cached = (await LoadRobotsAsync(new Uri(origin + "/robots.txt"), config, ct).ConfigureAwait(false),
                now + RobotsLifetime);
            robots[origin] = cached;
            if (cached.Rules.CrawlDelay is { } delay)
            {
                pipelines.For(url).Gate.AtLeast(delay);
            }
        }
        if (!cached.Rules.IsAllowed(url.PathAndQuery))
        {
            throw new FetchException($"robots.txt of {origin} disallows {url.PathAndQuery}", retryable: false, disallowed: true);
        }
    }

    private async Task<RobotsRules> LoadRobotsAsync(Uri robotsUrl, SourceConfig config, CancellationToken ct)
    {
        try
        {
            var result = await GetAsync(new FetchRequest(robotsUrl, config with { IgnoreRobots = true }), MaxRobotsBytes, ct)
                .ConfigureAwait(false);
            return RobotsRules.Parse(RobotsRules.Decode(result.Body), options.Value.UserAgent.Split('/')[0]);
        }
        catch (FetchException e) when (e.Status is { } status && (int)status is >= 400 and < 500)
        {
            return RobotsRules.AllowAll; // no robots.txt (RFC 9309: 4xx = no restrictions)
        }
        catch (FetchException e) when (!e.Retryable)
        {
            CrawlLog.RobotsUnreadable(logger, robotsUrl.AbsoluteUri, e.Message);
            return RobotsRules.AllowAll; // a redirect loop or similar on robots.txt: treated as absent
        }
        catch (FetchException e)
        {
            // RFC 9309: an unreachable robots.txt (5xx, network) means "assume complete disallow" for now.
            throw new FetchException($"robots.txt of {robotsUrl.GetLeftPart(UriPartial.Authority)} is unreachable, " +
                $"so the site is not crawled for now: {e.Message}");
        }
    }
}
