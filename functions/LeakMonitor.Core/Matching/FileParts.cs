using System.Buffers;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.IO;
using Microsoft.Win32.SafeHandles;

namespace LeakMonitor.Core.Matching;

/// <summary>
/// Cuts a large plain-text file into parts that can be scanned independently: every cut is just after a newline
/// that closes no multi-line construct the scanner joins — not inside a PEM block (a BEGIN without its END), not
/// after a quoted-printable soft line break (a line ending in '=') and not after a full line of wrapped base64. A
/// part then sees exactly the lines a whole-file scan would have given it.
/// </summary>
internal static class FileParts
{
    /// <summary>How far past a wanted cut a safe one is looked for before that cut is dropped.</summary>
    private const int SearchBytes = 1 << 20;

    /// <summary>How far back an open PEM block is looked for (the scanner gives up on longer blocks too).</summary>
    private const int PemLookBack = 64 << 10;

    /// <summary>Start offsets of the parts (the first is 0), about <paramref name="count"/> of them, in order.</summary>
    public static List<long> Cut(SafeFileHandle file, long length, int count)
    {
        var starts = new List<long> { 0 };
        var buffer = ArrayPool<byte>.Shared.Rent(PemLookBack + SearchBytes);
        try
        {
            for (var k = 1; k < count; k++)
            {
                var target = Math.Max(length * k / count, starts[^1] + 1);
                var from = Math.Max(0, target - PemLookBack);
                var read = ReadFully(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - from)), from);
                var cut = SafeCut(buffer.AsSpan(0, read), (int)(target - from));
                if (cut >= 0 && from + cut < length)
                {
                    starts.Add(from + cut);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return starts;
    }

    /// <summary>The first safe cut at or after <paramref name="wanted"/> in <paramref name="text"/>, or -1.</summary>
    internal static int SafeCut(ReadOnlySpan<byte> text, int wanted)
    {
        var position = wanted;
        while (position < text.Length)
        {
            var newline = text[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }
            var end = position + newline;
            if (OpenPem(text[Math.Max(0, end - PemLookBack)..end]))
            {
                // Inside a block: the newline that ends its END line is the next candidate.
                var after = AfterPemEnd(text, end);
                if (after < 0)
                {
                    return -1;
                }
                position = after - 1;
                continue;
            }
            var last = end > 0 && text[end - 1] == (byte)'\r' ? end - 2 : end - 1;
            var lineStart = text[..end].LastIndexOf((byte)'\n') + 1;
            if ((last >= 0 && text[last] == (byte)'=') || ScanSession.MayContinueBase64Block(text[lineStart..end]))
            {
                // A soft line break, or a line of wrapped base64: the next line belongs to this one.
                position = end + 1;
                continue;
            }
            return end + 1;
        }
        return -1;
    }

    private static bool OpenPem(ReadOnlySpan<byte> text)
        => text.LastIndexOf(PemNormalizer.BeginMarker) is var begin and >= 0
            && text[begin..].IndexOf(PemNormalizer.EndMarker) < 0;

    /// <summary>The position just after the newline that ends the line holding the next END marker, or -1.</summary>
    private static int AfterPemEnd(ReadOnlySpan<byte> text, int from)
    {
        var end = text[from..].IndexOf(PemNormalizer.EndMarker);
        if (end < 0)
        {
            return -1;
        }
        var newline = text[(from + end)..].IndexOf((byte)'\n');
        return newline < 0 ? -1 : from + end + newline + 1;
    }

    private static int ReadFully(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        var total = 0;
        int n;
        while (total < buffer.Length && (n = RandomAccess.Read(file, buffer[total..], offset + total)) > 0)
        {
            total += n;
        }
        return total;
    }
}

/// <summary>Reads bytes [start, end) of a file through a handle that other parts read at the same time.</summary>
internal sealed class FilePartStream(SafeFileHandle file, long start, long end) : ReadOnlyStream
{
    private long position = start;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, end - position);
        if (n <= 0)
        {
            return 0;
        }
        n = RandomAccess.Read(file, buffer[..n], position);
        position += n;
        return n;
    }
}
