using System.Net;
using System.Net.Sockets;

namespace LeakMonitor.Core.Http;

/// <summary>
/// Refuses outbound connections to loopback, private, link-local and other non-public addresses, checked on the
/// address actually connected to (so DNS rebinding cannot slip past a check made at registration). Hosts in the
/// allowlist (tests, internal receivers a platform admin trusts) are exempt, and may use plain http.
/// </summary>
public sealed class OutboundGuard
{
    private readonly HashSet<string> allowedHosts;

    public OutboundGuard(string allowedHostsSetting)
        => allowedHosts = new HashSet<string>(
            allowedHostsSetting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);

    public bool IsAllowlisted(string host) => allowedHosts.Contains(host);

    /// <summary>Checks a URL a user registered; returns why it is refused, or null when it is acceptable.</summary>
    public string? Validate(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute http(s) URL";
        }
        if (IsAllowlisted(uri.Host))
        {
            return null;
        }
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return "must use https";
        }
        if (IPAddress.TryParse(uri.Host, out var ip) && !IsPublic(ip))
        {
            return "must not point at a private, loopback or link-local address";
        }
        return uri.IsLoopback ? "must not point at a loopback address" : null;
    }

    /// <summary>
    /// Checks a crawl source URL: as <see cref="Validate"/>, except that a <c>.onion</c> host may use plain http
    /// (an onion address authenticates the service itself, and such a host is only ever reached through the proxy).
    /// </summary>
    public string? ValidateSource(string? url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            && uri.IdnHost.EndsWith(".onion", StringComparison.OrdinalIgnoreCase)
            ? null
            : Validate(url);

    /// <summary>
    /// Checks a URL about to be fetched through a SOCKS proxy, where the proxy (not us) resolves the name: a literal
    /// non-public address is refused here; names are left to the proxy (Tor refuses private exits by default).
    /// </summary>
    public string? CheckProxiedTarget(Uri url)
        => !IsAllowlisted(url.Host) && IPAddress.TryParse(url.Host, out var ip) && !IsPublic(ip)
            ? $"Refused to fetch {url.Host} through a proxy: not a public address and not in the allowlist."
            : null;

    /// <summary>
    /// A handler whose every connection goes to one SOCKS5 proxy and nowhere else. SocketsHttpHandler opens the
    /// TCP connection to the proxy through ConnectCallback and then sends the target host name in the SOCKS5
    /// request (socks5h semantics: the proxy resolves it, so .onion names work and nothing leaks to local DNS).
    /// The guard cannot see the target's address; it pins the connection to the configured proxy instead, which
    /// only an operator can configure (Crawl:SocksProxies), so a source cannot point the crawler at an internal
    /// host by naming a "proxy".
    /// </summary>
    public static SocketsHttpHandler CreateProxiedHandler(Uri proxy)
    {
        return new SocketsHttpHandler
        {
            Proxy = new WebProxy(proxy),
            UseProxy = true,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, ct) =>
            {
                var endpoint = context.DnsEndPoint;
                if (!string.Equals(endpoint.Host, proxy.IdnHost, StringComparison.OrdinalIgnoreCase) || endpoint.Port != proxy.Port)
                {
                    throw new HttpRequestException(
                        $"Refused to connect to {endpoint.Host}:{endpoint.Port}: this client only talks to its proxy.");
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }

    /// <summary>A SocketsHttpHandler that applies the guard to every connection it opens.</summary>
    public SocketsHttpHandler CreateHandler(bool followRedirects = true)
    {
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = followRedirects,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
                if (!IsAllowlisted(host) && addresses.FirstOrDefault(a => !IsPublic(a)) is { } blocked)
                {
                    throw new HttpRequestException(
                        $"Refused to connect to {host} ({blocked}): not a public address and not in the allowlist.");
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC); // fc00::/7 unique local
        }
        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => false,
            100 when v4[1] >= 64 && v4[1] <= 127 => false, // carrier-grade NAT
            169 when v4[1] == 254 => false,                  // link-local, cloud metadata
            172 when v4[1] >= 16 && v4[1] <= 31 => false,
            192 when v4[1] == 168 => false,
            >= 224 => false,                                 // multicast, reserved
            _ => true,
        };
    }
}
