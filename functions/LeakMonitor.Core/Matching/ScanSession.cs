using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using LeakMonitor.Core.IO;

namespace LeakMonitor.Core.Matching;

/// <summary>Where a finding inside decoded content is reported: the start of the outermost encoded run.</summary>
internal readonly record struct Anchor(long Line, long Offset);

/// <summary>
/// One scan of one input: expands containers (gzip, zip, tar, UTF-16) found by their magic bytes, then walks text
/// line by line. Holds the decoding budget and reusable buffers, so the hot path allocates nothing per byte.
/// </summary>
internal sealed partial class ScanSession(FingerprintIndex index, ScanOptions options, CancellationToken ct)
    : IDisposable
{
    internal const int SniffBytes = 512;
    private ulong[] prefix = ArrayPool<ulong>.Shared.Rent(4096);
    private ulong[] bounds = ArrayPool<ulong>.Shared.Rent(128);
    private long expanded;

    public List<Finding> Findings { get; } = [];
    public bool BudgetExhausted { get; private set; }
    public bool DepthLimitReached { get; private set; }
    public int UnreadableParts { get; private set; }

    public long RemainingBudget => options.MaxExpandedBytes - expanded;

    public void Charge(long bytes) => expanded += bytes;

    public void MarkBudgetExhausted() => BudgetExhausted = true;

    private bool TryCharge(long bytes)
    {
        if (expanded + bytes > options.MaxExpandedBytes)
        {
            BudgetExhausted = true;
            return false;
        }
        expanded += bytes;
        return true;
    }

    public void Dispose()
    {
        ArrayPool<ulong>.Shared.Return(prefix);
        ArrayPool<ulong>.Shared.Return(bounds);
    }

    internal enum Container { Text, Gzip, Zip, Tar, Utf16Le, Utf16Be }

    /// <summary>Scans a stream: a container is expanded member by member, anything else is text.</summary>
    public void ScanStream(Stream input, string chain, string path, int depth, Anchor? anchor)
    {
        ct.ThrowIfCancellationRequested();
        var head = new byte[SniffBytes];
        var rewindable = input is FileStream or MemoryStream && input.CanSeek;
        var start = rewindable ? input.Position : 0;
        var got = ReadAtMost(input, head);
        var kind = Sniff(head.AsSpan(0, got), out var skip);
        if (kind != Container.Text && depth >= options.MaxDepth)
        {
            DepthLimitReached = true;
            kind = Container.Text;
            skip = 0;
        }
        Stream body;
        if (rewindable)
        {
            input.Position = start + skip;
            body = input;
        }
        else
        {
            body = new PrefixedStream(head[skip..], got - skip, input);
        }
        switch (kind)
        {
            case Container.Gzip:
                ExpandGzip(body, chain, path, depth, anchor);
                break;
            case Container.Zip:
                ExpandZip(body, chain, path, depth, anchor);
                break;
            case Container.Tar:
                ExpandTar(body, chain, path, depth, anchor);
                break;
            case Container.Utf16Le or Container.Utf16Be:
                var encoding = kind == Container.Utf16Le ? Encoding.Unicode : Encoding.BigEndianUnicode;
                using (var utf8 = Encoding.CreateTranscodingStream(body, encoding, Encoding.UTF8, leaveOpen: true))
                {
                    ScanText(utf8, Append(chain, kind == Container.Utf16Le ? "utf16le" : "utf16be"), path, depth + 1,
                        anchor);
                }
                break;
            default:
                ScanText(body, chain, path, depth, anchor);
                break;
        }
    }

    internal static Container Sniff(ReadOnlySpan<byte> head, out int skip)
    {
        skip = 0;
        // Magic and method (8 = deflate, the only one defined): two bytes alone turn up in one decoded base64 run
        // in 65 536, and each would be reported as a corrupt archive.
        if (head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 8)
        {
            return Container.Gzip;
        }
        if (head.StartsWith("PK\x03\x04"u8))
        {
            return Container.Zip;
        }
        if (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8))
        {
            return Container.Tar;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            skip = 2;
            return Container.Utf16Le;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            skip = 2;
            return Container.Utf16Be;
        }
        if (head.Length >= 16)
        {
            // ASCII-range text in UTF-16 without a BOM: every other byte is NUL.
            int evenZero = 0, oddZero = 0, pairs = head.Length / 2;
            for (var i = 0; i + 1 < head.Length; i += 2)
            {
                evenZero += head[i] == 0 ? 1 : 0;
                oddZero += head[i + 1] == 0 ? 1 : 0;
            }
            if (oddZero * 10 >= pairs * 7 && evenZero * 10 < pairs)
            {
                return Container.Utf16Le;
            }
            if (evenZero * 10 >= pairs * 7 && oddZero * 10 < pairs)
            {
                return Container.Utf16Be;
            }
        }
        return Container.Text;
    }

    private void ExpandGzip(Stream body, string chain, string path, int depth, Anchor? anchor)
    {
        try
        {
            using var gzip = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
            using var limited = new BudgetStream(gzip, this);
            ScanStream(limited, Append(chain, "gzip"), path, depth + 1, anchor);
        }
        catch (InvalidDataException)
        {
            UnreadableParts++; // corrupt or truncated: what was read before is still scanned
        }
    }

    private void ExpandZip(Stream body, string chain, string path, int depth, Anchor? anchor)
    {
        MemoryStream? buffered = null;
        try
        {
            var seekable = body;
            if (!body.CanSeek)
            {
                buffered = new MemoryStream();
                var copy = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    int n;
                    while ((n = body.Read(copy)) > 0)
                    {
                        if (buffered.Length + n > options.MaxBufferedArchiveBytes)
                        {
                            UnreadableParts++;
                            return;
                        }
                        buffered.Write(copy, 0, n);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(copy);
                }
                buffered.Position = 0;
                seekable = buffered;
            }
            using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                if (RemainingBudget <= 0)
                {
                    BudgetExhausted = true;
                    break;
                }
                try
                {
                    using var member = new BudgetStream(entry.Open(), this);
                    ScanStream(member, Append(chain, "zip"), Join(path, entry.FullName), depth + 1, anchor);
                }
                catch (Exception e) when (e is InvalidDataException or NotSupportedException)
                {
                    UnreadableParts++; // encrypted, unsupported method or corrupt member
                }
            }
        }
        catch (InvalidDataException)
        {
            UnreadableParts++;
        }
        finally
        {
            buffered?.Dispose();
        }
    }

    private void ExpandTar(Stream body, string chain, string path, int depth, Anchor? anchor)
    {
        try
        {
            using var tar = new TarReader(body, leaveOpen: true);
            while (NextTarEntry(tar) is { } entry)
            {
                ct.ThrowIfCancellationRequested();
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile
                    or TarEntryType.ContiguousFile && entry.DataStream is { } data)
                {
                    ScanStream(data, Append(chain, "tar"), Join(path, entry.Name), depth + 1, anchor);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            UnreadableParts++; // truncated (e.g. by the budget) or corrupt
        }
    }

    /// <summary>
    /// The next member, or null at the end. A damaged header can also overflow a size or a pax number, or claim a
    /// member of more than 2 GiB that the reader then tries to skip in a memory stream: all of it is a corrupt tar.
    /// </summary>
    private TarEntry? NextTarEntry(TarReader tar)
    {
        try
        {
            return tar.GetNextEntry();
        }
        catch (Exception e) when (e is OverflowException or ArgumentException) // incl. ArgumentOutOfRangeException
        {
            UnreadableParts++;
            return null;
        }
    }

    private static int ReadAtMost(Stream input, byte[] buffer)
    {
        var total = 0;
        int n;
        while (total < buffer.Length && (n = input.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += n;
        }
        return total;
    }

    private readonly Dictionary<(string, string), string> chains = [];

    /// <summary>The chain after one more decoder, interned: decoding a run must not allocate a new name each time.</summary>
    private string ChainOf(string chain, string decoder)
    {
        if (!chains.TryGetValue((chain, decoder), out var name))
        {
            chains[(chain, decoder)] = name = Append(chain, decoder);
        }
        return name;
    }

    private static string Append(string chain, string decoder) => chain.Length == 0 ? decoder : $"{chain}>{decoder}";

    private static string Join(string path, string member) => path.Length == 0 ? member : $"{path}!{member}";
}
