using System.Net;
using System.Net.Sockets;
using LeakMonitor.Core.Http;

namespace LeakMonitor.Core.Tests.Crawling;

/// <summary>How the outbound guard and SOCKS proxies coexist.</summary>
public sealed class ProxyGuardTests
{
    [Theory]
    [InlineData("http://leakpastesexampleabcdefghijklmnopqrstuvwxyz234567abcdefg.onion/feed.xml", null)]
    [InlineData("http://pastes.example.com/feed.xml", "must use https")]
    [InlineData("https://192.168.1.10/feed.xml", "must not point at a private, loopback or link-local address")]
    public void Onion_sources_may_use_http_others_may_not(string url, string? problem)
        => Assert.Equal(problem, new OutboundGuard("").ValidateSource(url));

    [Theory]
    [InlineData("http://10.0.0.5/x", false)]
    [InlineData("http://169.254.169.254/latest/meta-data", false)]
    [InlineData("http://abcdefghijklmnop.onion/x", true)]
    [InlineData("https://93.184.216.34/x", true)]
    public void Through_a_proxy_literal_private_targets_are_still_refused(string url, bool allowed)
        => Assert.Equal(allowed, new OutboundGuard("").CheckProxiedTarget(new Uri(url)) is null);

    [Fact]
    public async Task A_proxied_handler_connects_only_to_its_proxy()
    {
        // A "proxy" that accepts and hangs up: enough to see where the handler connects.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptSocketAsync();
        using var client = new HttpClient(OutboundGuard.CreateProxiedHandler(new Uri($"socks5://127.0.0.1:{port}")));

        var request = client.GetAsync("http://abcdefghijklmnop.onion/");
        // The onion name never resolves locally; the connection goes to the proxy all the same.
        using (var socket = await accepted.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            socket.Close();
        }
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
