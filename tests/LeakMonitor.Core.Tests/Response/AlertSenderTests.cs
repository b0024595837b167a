using System.Net;
using LeakMonitor.Core.Response;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakMonitor.Core.Tests.Response;

public sealed class AlertSenderTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private static readonly Alert Alert = new(AlertKind.Leak, "blue-team", "inc", "sec", "label", "src", "https://p.example/x",
        1, "plain", DateTimeOffset.UnixEpoch, RotationSummary.NotConfigured);

    [Theory]
    [InlineData("""{"error":{"code":"TooManyRequests","message":"Too many requests"}}""")]
    [InlineData("""{"statusCode":429,"message":"Rate limit is exceeded."}""")]
    public void A_teams_2xx_answer_that_says_429_in_the_body_is_retried(string body)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Accepted);
        var attempt = AlertSender.Classify(ResponderTypes.Teams, response, body);
        Assert.True(attempt.Retryable);
        Assert.False(attempt.Delivered);
    }

    [Fact]
    public void Plain_successes_and_permanent_refusals_are_not_retried()
    {
        using var ok = new HttpResponseMessage(HttpStatusCode.OK);
        Assert.True(AlertSender.Classify(ResponderTypes.Slack, ok, "ok").Delivered);
        using var gone = new HttpResponseMessage(HttpStatusCode.NotFound);
        var refused = AlertSender.Classify(ResponderTypes.Slack, gone, "no_service");
        Assert.False(refused.Retryable);
        Assert.False(refused.Delivered);
    }

    [Fact]
    public async Task Slack_429_is_retried_after_its_retry_after_on_the_injected_clock()
    {
        var handler = new Scripted(
            () => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(7)) } },
            () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") });
        var sender = NewSender(handler);

        var sending = sender.SendAsync(new Responder(ResponderTypes.Slack, "https://hooks.slack.example/x"), Alert, default);
        await WaitFor(() => handler.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Yield();
        Assert.Equal(1, handler.Calls);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.Delivered);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Teams_throttling_in_the_body_ends_in_one_accepted_message()
    {
        var handler = new Scripted(
            () => new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent("""{"error":{"message":"Too many requests"}}""") },
            () => new HttpResponseMessage(HttpStatusCode.Accepted));
        var sender = NewSender(handler);
        var sending = sender.SendAsync(new Responder(ResponderTypes.Teams, "https://prod.workflows.example/x"), Alert, default);
        for (var i = 0; i < 100 && !sending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250)); // past the jittered backoff, without sleeping
            await Task.Delay(1);
        }
        var result = await sending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.Delivered);
        Assert.Equal(2, handler.Calls);
        Assert.Contains("application/vnd.microsoft.card.adaptive", handler.Bodies[1]);
    }

    private AlertSender NewSender(HttpMessageHandler handler)
        => new(new Factory(handler), new ChannelRateLimiter(time, TimeSpan.Zero),
            Options.Create(new AlertOptions { MaxRetries = 3, Timeout = TimeSpan.FromSeconds(10) }), time);

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        Assert.True(condition());
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private sealed class Scripted(params Func<HttpResponseMessage>[] steps) : HttpMessageHandler
    {
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = await request.Content!.ReadAsStringAsync(ct);
            lock (Bodies)
            {
                Bodies.Add(body);
            }
            var n = Interlocked.Increment(ref calls);
            return steps[Math.Min(n, steps.Length) - 1]();
        }
    }
}
