using System.Text;
using LeakMonitor.Core.Response;

namespace LeakMonitor.Core.Tests.Response;

public sealed class WebhookSignerTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"leak.detected","incidentId":"abc"}""");
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly WebhookSigner signer = new(Encoding.UTF8.GetBytes("root key of at least thirty-two bytes!!"));

    [Fact]
    public void A_signature_verifies_with_the_teams_key()
    {
        var key = signer.KeyFor("blue-team");
        var ts = Now.ToUnixTimeSeconds();
        Assert.True(WebhookSigner.Verify(key, WebhookSigner.Sign(key, ts, Body), ts.ToString(), Body, Now));
    }

    [Fact]
    public void Another_teams_key_a_changed_body_or_a_changed_timestamp_fail()
    {
        var key = signer.KeyFor("blue-team");
        var ts = Now.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(key, ts, Body);
        Assert.False(WebhookSigner.Verify(signer.KeyFor("red-team"), signature, ts.ToString(), Body, Now));
        Assert.False(WebhookSigner.Verify(key, signature, ts.ToString(), [.. Body, (byte)'\n'], Now));
        Assert.False(WebhookSigner.Verify(key, signature, (ts - 1).ToString(), Body, Now));
        Assert.False(WebhookSigner.Verify(key, "v1=zz", ts.ToString(), Body, Now));
        Assert.False(WebhookSigner.Verify(key, null, ts.ToString(), Body, Now));
    }

    [Fact]
    public void A_replayed_delivery_older_than_five_minutes_is_rejected()
    {
        var key = signer.KeyFor("blue-team");
        var ts = Now.ToUnixTimeSeconds();
        var signature = WebhookSigner.Sign(key, ts, Body);
        Assert.True(WebhookSigner.Verify(key, signature, ts.ToString(), Body, Now.AddMinutes(4)));
        Assert.False(WebhookSigner.Verify(key, signature, ts.ToString(), Body, Now.AddMinutes(6)));
        Assert.False(WebhookSigner.Verify(key, signature, ts.ToString(), Body, Now.AddMinutes(-6)));
    }

    [Fact]
    public void Team_keys_differ_and_are_stable()
    {
        Assert.Equal(signer.KeyFor("blue-team"), signer.KeyFor("blue-team"));
        Assert.NotEqual(signer.KeyFor("blue-team"), signer.KeyFor("red-team"));
    }
}
