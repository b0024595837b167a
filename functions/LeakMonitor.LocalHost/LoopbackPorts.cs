using System.Net;
using System.Net.Sockets;

namespace LeakMonitor.LocalHost;

/// <summary>Free TCP ports on 127.0.0.1, for Azurite, the API and test servers.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
