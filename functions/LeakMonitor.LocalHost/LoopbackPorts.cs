using System.Net;
using System.Net.Sockets;

namespace LeakMonitor.LocalHost;

/// <summary>TCP ports on 127.0.0.1: free ones for Azurite, the API and test servers, and whether one is listening.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
