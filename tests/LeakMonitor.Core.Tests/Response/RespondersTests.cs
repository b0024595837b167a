using LeakMonitor.Core.Http;
using LeakMonitor.Core.Response;

namespace LeakMonitor.Core.Tests.Response;

public sealed class RespondersTests
{
    [Fact]
    public void The_legacy_webhook_url_still_counts_as_a_rotation_webhook()
    {
        var stored = Responders.Serialize([new Responder(ResponderTypes.Slack, "https://hooks.slack.com/services/T/B/X")]);
        var effective = Responders.Effective(stored, "https://hooks.example.com/rotate");
        Assert.Equal([ResponderTypes.Webhook, ResponderTypes.Slack], effective.Select(r => r.Type));
        Assert.Single(Responders.Effective(Responders.Serialize([new Responder(ResponderTypes.Webhook, "https://a.example/")]),
            "https://a.example/"));
    }

    [Theory]
    [InlineData("slack", "http://hooks.slack.com/services/x", "must use https")]
    [InlineData("teams", "https://10.1.2.3/workflows", "private")]
    [InlineData("slack", "https://169.254.169.254/latest", "private")]
    [InlineData("pager", "https://example.com/", "must be one of")]
    public void Slack_and_teams_urls_go_through_the_outbound_guard(string type, string url, string expected)
    {
        var errors = Responders.Validate([new Responder(type, url)], new OutboundGuard(""));
        Assert.Contains(expected, Assert.Single(errors).Value[0]);
    }

    [Fact]
    public void Allowlisted_hosts_may_receive_alerts_over_http()
        => Assert.Empty(Responders.Validate([new Responder(ResponderTypes.Teams, "http://127.0.0.1:5000/teams")],
            new OutboundGuard("127.0.0.1")));

    [Fact]
    public void Each_responder_acts_once_per_incident_under_a_key_that_does_not_reveal_its_url()
    {
        var slack = new Responder(ResponderTypes.Slack, "https://hooks.slack.com/services/T000/B000/SECRETPART");
        Assert.StartsWith("slack:", slack.Key);
        Assert.DoesNotContain("SECRETPART", slack.Key);
        Assert.NotEqual(slack.Key, new Responder(ResponderTypes.Slack, "https://hooks.slack.com/services/other").Key);
    }
}
