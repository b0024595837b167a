using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>Fake paste sites and hostile responses for crawl tests, on a <see cref="LoopbackServer"/>.</summary>
public static class FakeSites
{
    public static void MapBytes(this LoopbackServer site, string path, string contentType, byte[] body,
        IDictionary<string, string>? headers = null)
        => site.Map(path, async context =>
        {
            context.Response.ContentType = contentType;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }
            await context.Response.Body.WriteAsync(body);
        });

    public static string Rss(LoopbackServer site, IEnumerable<string> links)
    {
        var items = string.Concat(links.Select(l =>
            $"<item><title>paste</title><link>{(Uri.IsWellFormedUriString(l, UriKind.Absolute) ? l : site.Url(l).AbsoluteUri)}</link></item>"));
        return $"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>pastes</title>{items}</channel></rss>";
    }

    /// <summary>A body that never ends (a "10 GB" dump); <paramref name="abandoned"/> completes when the client hangs up.</summary>
    public static Func<HttpContext, Task> Endless(TaskCompletionSource abandoned) => async context =>
    {
        context.Response.ContentType = "text/plain";
        var block = new byte[64 * 1024];
        block.AsSpan().Fill((byte)'A');
        try
        {
            // Kestrel may accept writes for a moment after the peer closed, so the signal is RequestAborted.
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(block, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
        }
        abandoned.TrySetResult();
    };

    /// <summary>gzip of <paramref name="bytes"/> zeros: a bomb (100 MiB is ~100 KB compressed).</summary>
    public static byte[] GzipOfZeros(long bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (long left = bytes; left > 0; left -= zeros.Length)
            {
                gzip.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            }
        }
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
