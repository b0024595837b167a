using System.Collections.Concurrent;
using System.Net;
using LeakMonitor.Core.Crawling;
using LeakMonitor.Core.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakMonitor.Core.Tests.Crawling;

/// <summary>The per-host pipeline and politeness, on a fake clock: nothing here sleeps for real.</summary>
public sealed class FetcherPolitenessTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private sealed class Site(FakeTimeProvider time, Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public ConcurrentQueue<(string Url, DateTimeOffset At)> Requests { get; } = new();
        private int count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Enqueue((request.RequestUri!.AbsoluteUri, time.GetUtcNow()));
            return Task.FromResult(respond(request, Interlocked.Increment(ref count)));
        }
    }

    private (Fetcher Fetcher, Site Site) Build(Func<HttpRequestMessage, int, HttpResponseMessage> respond, TimeSpan minInterval)
    {
        var options = new CrawlOptions { MinRequestInterval = minInterval, RequestTimeout = TimeSpan.FromSeconds(10) };
        var site = new Site(time, respond);
        var fetcher = new Fetcher(new CrawlerHttp(_ => site, options), new HostPipelines(Options.Create(options), time),
            new OutboundGuard(""), Options.Create(options), time, NullLogger<Fetcher>.Instance);
        return (fetcher, site);
    }

    private static HttpResponseMessage Text(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body) };

    private static readonly SourceConfig NoRobots = new() { IgnoreRobots = true };

    /// <summary>
    /// Advances the fake clock in quarter seconds until the task is done (or <paramref name="limit"/> of fake time
    /// passed). Small steps keep fake time from racing far ahead of a busy machine's continuations.
    /// </summary>
    private async Task<T> DriveAsync<T>(Task<T> task, TimeSpan? limit = null)
    {
        var deadline = time.GetUtcNow() + (limit ?? TimeSpan.FromMinutes(10));
        while (!task.IsCompleted && time.GetUtcNow() < deadline)
        {
            await Task.WhenAny(task, Task.Delay(5));
            time.Advance(TimeSpan.FromMilliseconds(250));
        }
        return await task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_429_is_retried_after_exactly_the_servers_Retry_After()
    {
        var (fetcher, site) = Build((_, n) => n == 1
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(30)) } }
            : Text("ok"), TimeSpan.Zero);

        var result = await DriveAsync(fetcher.GetAsync(new FetchRequest(new Uri("https://pastes.example/raw/1"), NoRobots), 1024, default));

        Assert.Equal("ok", System.Text.Encoding.UTF8.GetString(result.Body));
        var at = site.Requests.Select(r => r.At).ToList();
        Assert.Equal(2, at.Count);
        // Without Retry-After the first backoff is about a second; the server asked for 30.
        Assert.True(at[1] - at[0] >= TimeSpan.FromSeconds(30), $"retried after {at[1] - at[0]}");
        Assert.True(at[1] - at[0] < TimeSpan.FromSeconds(33), $"retried after {at[1] - at[0]}");
    }

    [Fact]
    public async Task A_429_asking_for_more_than_a_minute_is_not_retried_inline_but_left_for_the_next_crawl()
    {
        var (fetcher, site) = Build((_, _) => new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            { Headers = { RetryAfter = new(TimeSpan.FromHours(1)) } }, TimeSpan.Zero);
        var e = await Assert.ThrowsAsync<FetchException>(() =>
            DriveAsync(fetcher.GetAsync(new FetchRequest(new Uri("https://busy.example/raw/1"), NoRobots), 1024, default)));
        Assert.True(e.Retryable);
        Assert.Contains("429", e.Message);
        Assert.Single(site.Requests);
    }

    [Fact]
    public async Task Requests_to_one_host_are_spaced_by_the_minimum_interval_but_other_hosts_do_not_wait()
    {
        var (fetcher, site) = Build((_, _) => Text("ok"), TimeSpan.FromSeconds(10));
        var first = fetcher.GetAsync(new FetchRequest(new Uri("https://a.example/1"), NoRobots), 1024, default);
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        var second = fetcher.GetAsync(new FetchRequest(new Uri("https://a.example/2"), NoRobots), 1024, default);
        var other = fetcher.GetAsync(new FetchRequest(new Uri("https://b.example/1"), NoRobots), 1024, default);

        await other.WaitAsync(TimeSpan.FromSeconds(10)); // another host: no waiting, the clock has not moved
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.WhenAny(second, Task.Delay(50));
        Assert.False(second.IsCompleted);
        await DriveAsync(second);

        var a = site.Requests.Where(r => r.Url.StartsWith("https://a.example", StringComparison.Ordinal)).Select(r => r.At).ToList();
        Assert.True(a[1] - a[0] >= TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_host_that_keeps_failing_trips_its_circuit_and_is_not_called_while_it_is_open()
    {
        var (fetcher, site) = Build((_, _) => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), TimeSpan.Zero);
        var errors = new List<FetchException>();
        for (var i = 0; i < 5; i++)
        {
            errors.Add(await Assert.ThrowsAsync<FetchException>(() =>
                DriveAsync(fetcher.GetAsync(new FetchRequest(new Uri($"https://down.example/{i}"), NoRobots), 1024, default))));
        }
        Assert.Contains(errors, e => e.Message.Contains("circuit open", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.True(e.Retryable));
        var calls = site.Requests.Count;
        var open = await Assert.ThrowsAsync<FetchException>(() =>
            DriveAsync(fetcher.GetAsync(new FetchRequest(new Uri("https://down.example/again"), NoRobots), 1024, default),
                TimeSpan.FromSeconds(5)));
        Assert.Contains("circuit open", open.Message);
        Assert.Equal(calls, site.Requests.Count);
    }

    [Fact]
    public async Task Robots_txt_is_read_once_per_host_and_a_disallowed_path_is_not_fetched()
    {
        var (fetcher, site) = Build((request, _) => request.RequestUri!.AbsolutePath == "/robots.txt"
            ? Text("User-agent: *\nDisallow: /private/\n")
            : Text("ok"), TimeSpan.Zero);
        var config = SourceConfig.Empty;

        await fetcher.GetAsync(new FetchRequest(new Uri("https://site.example/public/1"), config), 1024, default);
        var e = await Assert.ThrowsAsync<FetchException>(() =>
            fetcher.GetAsync(new FetchRequest(new Uri("https://site.example/private/2"), config), 1024, default));
        await fetcher.GetAsync(new FetchRequest(new Uri("https://site.example/public/3"), config), 1024, default);

        Assert.True(e.Disallowed);
        Assert.False(e.Retryable);
        Assert.Equal(["/robots.txt", "/public/1", "/public/3"], site.Requests.Select(r => new Uri(r.Url).AbsolutePath));
    }

    [Fact]
    public async Task A_redirect_loop_ends_in_a_clear_permanent_error()
    {
        var (fetcher, _) = Build((request, _) => new HttpResponseMessage(HttpStatusCode.Found)
        {
            Headers = { Location = new Uri(request.RequestUri!.AbsolutePath == "/a" ? "/b" : "/a", UriKind.Relative) },
        }, TimeSpan.Zero);
        var e = await Assert.ThrowsAsync<FetchException>(() =>
            fetcher.GetAsync(new FetchRequest(new Uri("https://loop.example/a"), NoRobots), 1024, default));
        Assert.Contains("redirect loop", e.Message);
        Assert.False(e.Retryable);
    }

    [Fact]
    public async Task A_body_larger_than_the_cap_is_cut_there()
    {
        var (fetcher, _) = Build((_, _) => new HttpResponseMessage(HttpStatusCode.OK)
            { Content = new StreamContent(new EndlessStream()) }, TimeSpan.Zero);
        var result = await fetcher.GetAsync(new FetchRequest(new Uri("https://big.example/10gb"), NoRobots), 100_000, default);
        Assert.True(result.Truncated);
        Assert.Equal(100_000, result.Body.Length);
    }

    [Fact]
    public async Task Conditional_validators_are_sent_and_a_304_says_not_modified()
    {
        var (fetcher, site) = Build((request, _) =>
            request.Headers.IfNoneMatch.Any(t => t.Tag == "\"v1\"")
                ? new HttpResponseMessage(HttpStatusCode.NotModified)
                : Text("changed"), TimeSpan.Zero);
        var result = await fetcher.GetAsync(new FetchRequest(new Uri("https://feed.example/rss"), NoRobots)
            { IfNoneMatch = "\"v1\"", IfModifiedSince = time.GetUtcNow().AddDays(-1) }, 1024, default);
        Assert.True(result.NotModified);
        Assert.Empty(result.Body);
        Assert.Single(site.Requests);
    }

    /// <summary>A body that never ends (a "10 GB" response).</summary>
    internal sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'A');
            Served += count;
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
