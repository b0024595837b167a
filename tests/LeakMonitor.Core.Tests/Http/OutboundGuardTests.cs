using System.Net;
using LeakMonitor.Core.Http;

namespace LeakMonitor.Core.Tests.Http;

public sealed class OutboundGuardTests
{
    [Theory]
    [InlineData("http://hooks.example.com/rotate", "must use https")]
    [InlineData("https://127.0.0.1/rotate", "must not point at a private, loopback or link-local address")]
    [InlineData("https://169.254.169.254/latest/meta-data", "must not point at a private, loopback or link-local address")]
    [InlineData("https://10.1.2.3/", "must not point at a private, loopback or link-local address")]
    [InlineData("https://[::1]/", "must not point at a private, loopback or link-local address")]
    [InlineData("https://localhost/", "must not point at a loopback address")]
    [InlineData("file:///etc/passwd", "must be an absolute http(s) URL")]
    [InlineData("not a url", "must be an absolute http(s) URL")]
    public void Webhooks_to_internal_addresses_or_plain_http_are_refused(string url, string reason)
        => Assert.Equal(reason, new OutboundGuard("").Validate(url));

    [Fact]
    public void Public_https_is_accepted_and_the_allowlist_admits_loopback()
    {
        Assert.Null(new OutboundGuard("").Validate("https://hooks.example.com/rotate"));
        Assert.Null(new OutboundGuard("127.0.0.1").Validate("http://127.0.0.1:8080/rotate"));
    }

    [Theory]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.5.4", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700::1111", true)]
    public void Address_classification(string address, bool isPublic)
        => Assert.Equal(isPublic, OutboundGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task A_connection_to_loopback_is_refused_at_connect_time_unless_allowlisted()
    {
        using var client = new HttpClient(new OutboundGuard("").CreateHandler());
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://127.0.0.1:9/"));
        Assert.Contains("not a public address", e.Message);
    }
}
