using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Http;

/// <summary>
/// The crawler's HTTP clients: one direct client behind the outbound guard, and one per SOCKS5 proxy. Redirects are
/// not followed by the handlers: the fetcher follows them itself, so every hop is checked (guard, robots, loops).
/// </summary>
public sealed class CrawlerHttp : IDisposable
{
    private readonly Func<Uri?, HttpMessageHandler> handlerFor;
    private readonly string userAgent;
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> clients = new(StringComparer.OrdinalIgnoreCase);

    public CrawlerHttp(OutboundGuard guard, IOptions<CrawlOptions> options)
        : this(proxy => proxy is null ? guard.CreateHandler(followRedirects: false) : OutboundGuard.CreateProxiedHandler(proxy),
            options.Value)
    {
    }

    /// <summary>For tests: every client sends through handlers from <paramref name="handlerFor"/>.</summary>
    internal CrawlerHttp(Func<Uri?, HttpMessageHandler> handlerFor, CrawlOptions options)
    {
        this.handlerFor = handlerFor;
        userAgent = options.Contact.Length > 0 ? $"{options.UserAgent} contact:{options.Contact}" : options.UserAgent;
    }

    /// <summary>The client for direct connections (<paramref name="proxy"/> null) or through one proxy.</summary>
    public HttpClient Client(Uri? proxy) => clients.GetOrAdd(proxy?.OriginalString ?? "", _ => new(() =>
    {
        var client = new HttpClient(handlerFor(proxy), disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan, // the per-host Polly pipeline owns timeouts
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    })).Value;

    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
