using LeakMonitor.Core.Response;
using Microsoft.Extensions.Time.Testing;

namespace LeakMonitor.Core.Tests.Response;

public sealed class ChannelRateLimiterTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Messages_to_one_channel_are_spaced_one_second_apart_and_other_channels_do_not_wait()
    {
        var limiter = new ChannelRateLimiter(time, TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve("https://hooks.slack.example/A"));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.Reserve("https://hooks.slack.example/A"));
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.Reserve("https://hooks.slack.example/A"));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve("https://hooks.slack.example/B"));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve("https://hooks.slack.example/A"));
    }

    [Fact]
    public async Task A_second_message_waits_for_the_clock_not_for_wall_time()
    {
        var limiter = new ChannelRateLimiter(time, TimeSpan.FromSeconds(1));
        await limiter.WaitAsync("slack", default); // the first goes at once
        var second = limiter.WaitAsync("slack", default);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
