using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LeakMonitor.LocalHost;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// A minimal SOCKS5 server (no auth, CONNECT only) that records the target each client asked for — a name (ATYP 3)
/// or an address — and connects every request to one loopback site instead. It plays "the Tor proxy": names like
/// pastes….onion resolve only here, proving the crawler let the proxy resolve them (socks5h semantics).
/// </summary>
public sealed class FakeSocks5Server : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public FakeSocks5Server(Uri site)
    {
        target = new IPEndPoint(IPAddress.Loopback, site.Port);
        listener.Start();
        loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>What clients asked for: "name:host:port" or "address:ip:port".</summary>
    public ConcurrentQueue<string> Requested { get; } = new();

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var hello = await ReadAsync(stream, 2);
            await ReadAsync(stream, hello[1]);
            await stream.WriteAsync(new byte[] { 5, 0 }); // no authentication
            var head = await ReadAsync(stream, 4);        // VER CMD RSV ATYP
            string requested;
            switch (head[3])
            {
                case 3:
                    var length = (await ReadAsync(stream, 1))[0];
                    requested = "name:" + Encoding.ASCII.GetString(await ReadAsync(stream, length));
                    break;
                case 1:
                    requested = "address:" + new IPAddress(await ReadAsync(stream, 4));
                    break;
                default:
                    requested = "address:" + new IPAddress(await ReadAsync(stream, 16));
                    break;
            }
            var portBytes = await ReadAsync(stream, 2);
            Requested.Enqueue($"{requested}:{(portBytes[0] << 8) | portBytes[1]}");
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(target);
            await stream.WriteAsync(new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 });
            var up = upstream.GetStream();
            await Task.WhenAny(stream.CopyToAsync(up), up.CopyToAsync(stream));
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
        }
    }

    private static async Task<byte[]> ReadAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }
}

/// <summary>
/// microsocks (a real SOCKS5 proxy; Debian package "microsocks", which CI installs) on a free loopback port.
/// </summary>
public sealed class Microsocks : IAsyncDisposable
{
    private readonly Process process;

    private Microsocks(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<Microsocks> StartAsync()
    {
        var path = Environment.GetEnvironmentVariable("PATH")!.Split(':')
            .Select(dir => Path.Combine(dir, "microsocks")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("microsocks is not on PATH: install it (apt-get install -y microsocks); .ci/run does.");
        var port = LoopbackPorts.Free();
        var process = Process.Start(new ProcessStartInfo(path, ["-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.UntilAsync(() => LoopbackPorts.IsListening(port) || process.HasExited, TimeSpan.FromSeconds(10), "microsocks to listen");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"microsocks exited with {process.ExitCode}");
        }
        return new Microsocks(process, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
