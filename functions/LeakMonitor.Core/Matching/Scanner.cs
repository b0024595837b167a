using System.Buffers;

namespace LeakMonitor.Core.Matching;

/// <summary>
/// Streams content line by line (never loading it whole) and reports every registered secret in it. Candidates are
/// the byte windows of a registered length that start and end at a token boundary.
/// </summary>
public static class Scanner
{
    /// <summary>Lines longer than this are scanned in slices that overlap by the longest registered secret.</summary>
    public const int MaxSliceBytes = 1 << 20;

    public static List<Finding> Scan(Stream input, FingerprintIndex index, CancellationToken ct = default)
    {
        var findings = new List<Finding>();
        if (index.Count == 0)
        {
            return findings;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(MaxSliceBytes + index.MaxLength + 1);
        try
        {
            long bufferOffset = 0; // offset in the input of buffer[0]
            long line = 1;
            var filled = 0;
            var lineStart = 0;
            var eof = false;
            while (!eof || lineStart < filled)
            {
                ct.ThrowIfCancellationRequested();
                if (!eof && filled < buffer.Length)
                {
                    var read = input.Read(buffer, filled, buffer.Length - filled);
                    eof = read == 0;
                    filled += read;
                }
                var newline = Array.IndexOf(buffer, (byte)'\n', lineStart, filled - lineStart);
                if (newline >= 0 || eof)
                {
                    var end = newline >= 0 ? newline : filled;
                    ScanSlice(buffer.AsSpan(lineStart, end - lineStart), bufferOffset + lineStart, line, index, findings);
                    line++;
                    lineStart = newline >= 0 ? newline + 1 : filled;
                    continue;
                }
                if (filled - lineStart >= MaxSliceBytes)
                {
                    // A huge line: scan what we have, keep the tail that a secret could straddle.
                    ScanSlice(buffer.AsSpan(lineStart, filled - lineStart), bufferOffset + lineStart, line, index, findings);
                    var keep = Math.Min(index.MaxLength, filled - lineStart);
                    lineStart = filled - keep;
                }
                // Shift the unfinished line to the front to make room for more input.
                Buffer.BlockCopy(buffer, lineStart, buffer, 0, filled - lineStart);
                bufferOffset += lineStart;
                filled -= lineStart;
                lineStart = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Deduplicate(findings);
    }

    private static void ScanSlice(ReadOnlySpan<byte> slice, long sliceOffset, long line, FingerprintIndex index,
        List<Finding> findings)
    {
        var lengths = index.Lengths;
        for (var start = 0; start < slice.Length; start++)
        {
            if (start > 0 && IsWord(slice[start - 1]))
            {
                continue;
            }
            foreach (var length in lengths)
            {
                var end = start + length;
                if (end > slice.Length)
                {
                    break;
                }
                if (end < slice.Length && IsWord(slice[end]))
                {
                    continue;
                }
                if (index.TryMatch(slice.Slice(start, length), out var matches))
                {
                    foreach (var match in matches)
                    {
                        findings.Add(new Finding(match, line, sliceOffset + start, "plain"));
                    }
                }
            }
        }
    }

    // Slices of a huge line overlap, so the same match can be seen twice.
    private static List<Finding> Deduplicate(List<Finding> findings)
        => findings.Count < 2 ? findings : [.. findings.DistinctBy(f => (f.Fingerprint, f.Offset, f.DecoderChain))];

    internal static bool IsWord(byte b) => b >= 0x80 || b == (byte)'_' || char.IsAsciiLetterOrDigit((char)b);
}
