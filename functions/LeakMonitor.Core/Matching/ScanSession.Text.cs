using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using LeakMonitor.Core.Fingerprints;

namespace LeakMonitor.Core.Matching;

internal sealed partial class ScanSession
{
    private const int MaxPemBytes = 64 << 10;
    private const int MaxSoftBreakBytes = 1 << 20;

    /// <summary>A text being walked: its decoder chain and the multi-line constructs (PEM, QP) open in it.</summary>
    private sealed class TextContext(string chain, string path, int depth, Anchor? anchor)
    {
        public string Chain { get; } = chain;
        public string ChainName { get; } = chain.Length == 0 ? "plain" : chain;
        public string Path { get; } = path;
        public int Depth { get; } = depth;
        public Anchor? Anchor { get; } = anchor;
        public ArrayBufferWriter<byte>? Pem { get; set; }
        public Anchor PemAnchor { get; set; }
        public ArrayBufferWriter<byte>? SoftBreaks { get; set; }
        public Anchor SoftBreakAnchor { get; set; }

        /// <summary>Where a decoded run found at this line and offset is reported: the outermost anchor wins.</summary>
        public Anchor AnchorAt(long line, long offset) => Anchor ?? new Anchor(line, offset);
    }

    /// <summary>Streams text line by line; lines longer than a slice are cut in overlapping slices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanText(Stream input, string chain, string path, int depth, Anchor? anchor)
    {
        var context = new TextContext(chain, path, depth, anchor);
        var maxSlice = Scanner.MaxSliceBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(maxSlice + index.MaxLength + 1);
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
                    ProcessLine(context, buffer.AsSpan(lineStart, end - lineStart), line, bufferOffset + lineStart);
                    line++;
                    lineStart = newline >= 0 ? newline + 1 : filled;
                    continue;
                }
                if (filled - lineStart >= maxSlice)
                {
                    // A huge line: scan what we have, keep the tail that a secret could straddle.
                    ProcessLine(context, buffer.AsSpan(lineStart, filled - lineStart), line, bufferOffset + lineStart);
                    var keep = Math.Min(index.MaxLength, filled - lineStart);
                    lineStart = filled - keep;
                }
                // Shift the unfinished line to the front to make room for more input.
                Buffer.BlockCopy(buffer, lineStart, buffer, 0, filled - lineStart);
                bufferOffset += lineStart;
                filled -= lineStart;
                lineStart = 0;
            }
            FinishMultiline(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Scans decoded bytes: a container when its magic says so, else text, line by line.</summary>
    private void ScanDecoded(byte[] buffer, int length, string chain, string path, int depth, Anchor anchor)
    {
        var data = buffer.AsSpan(0, length);
        if (Sniff(data[..Math.Min(length, SniffBytes)], out _) != Container.Text)
        {
            using var stream = new MemoryStream(buffer, 0, length, writable: false);
            ScanStream(stream, chain, path, depth, anchor);
            return;
        }
        // Decoded bytes that are not UTF-8 text (base64 of a key, a hash, an image) are matched as they are, but not
        // decoded further: random bytes are full of '\\', '%', '&' and '=' that would only spawn more random bytes.
        var context = new TextContext(chain, path, Utf8.IsValid(data) ? depth : options.MaxDepth, anchor);
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            ProcessLine(context, newline < 0 ? data : data[..newline], anchor.Line, anchor.Offset);
            data = newline < 0 ? [] : data[(newline + 1)..];
        }
        FinishMultiline(context);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessLine(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.Length >= index.MinLength)
        {
            MatchTokens(context, line, lineNumber, lineOffset);
        }
        if (context.Depth >= options.MaxDepth)
        {
            return;
        }
        if (TrackPem(context, line, lineNumber, lineOffset))
        {
            return; // a PEM body line: its block is matched as a whole when it ends
        }
        TrackSoftBreaks(context, line, lineNumber, lineOffset);
        if (line.Length >= index.MinLength)
        {
            DecodeRuns(context, line, lineNumber, lineOffset);
            DecodeEscapes(context, line, lineNumber, lineOffset);
        }
    }

    /// <summary>Splits a line into whitespace-free runs and matches each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MatchTokens(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        var i = 0;
        var minLength = index.MinLength;
        while (i < line.Length)
        {
            var skip = line[i..].IndexOfAnyExcept(ByteClasses.Delimiters);
            if (skip < 0)
            {
                break;
            }
            var runStart = i + skip;
            var length = line[runStart..].IndexOfAny(ByteClasses.Delimiters);
            var runEnd = length < 0 ? line.Length : runStart + length;
            if (runEnd - runStart >= minLength)
            {
                MatchRun(context, line[runStart..runEnd], lineNumber, lineOffset + runStart);
            }
            i = runEnd;
        }
    }

    /// <summary>
    /// Every window of a registered length that starts and ends at a token boundary (not between two word bytes)
    /// is a candidate. Its polynomial hash comes from prefix hashes in O(1); only prefilter hits pay an HMAC.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MatchRun(TextContext context, ReadOnlySpan<byte> run, long lineNumber, long runOffset)
    {
        var m = run.Length;
        if (prefix.Length < m + 1)
        {
            ArrayPool<ulong>.Shared.Return(prefix);
            prefix = ArrayPool<ulong>.Shared.Rent(m + 1);
            ArrayPool<int>.Shared.Return(ends);
            ends = ArrayPool<int>.Shared.Rent(m + 1);
        }
        var h = prefix.AsSpan(0, m + 1);
        var endList = ends.AsSpan(0, m + 1);
        var baseValue = index.Prefilter.Base;
        h[0] = 0;
        var endCount = 0;
        var previousWord = false;
        for (var i = 0; i < m; i++)
        {
            var b = run[i];
            h[i + 1] = Prefilter.AddByte(Prefilter.MulMod(h[i], baseValue), b);
            var word = ByteClasses.IsWord(b);
            if (i > 0 && !(previousWord && word))
            {
                endList[endCount++] = i;
            }
            previousWord = word;
        }
        endList[endCount++] = m;

        var flags = index.LengthFlags;
        var powers = index.Powers;
        var minLength = index.MinLength;
        var shortMax = index.ShortMax;
        var longLengths = index.LongLengths;
        var prefilter = index.Prefilter;
        var first = 0;
        for (var s = 0; s + minLength <= m; s++)
        {
            if (s > 0 && ByteClasses.IsWord(run[s - 1]) && ByteClasses.IsWord(run[s]))
            {
                continue;
            }
            while (first < endCount && endList[first] < s + minLength)
            {
                first++;
            }
            for (var j = first; j < endCount; j++)
            {
                var length = endList[j] - s;
                if (length > shortMax)
                {
                    break;
                }
                var f = flags[length];
                if (f == FingerprintIndex.HasPrefilter)
                {
                    // The common case, inline: a window's polynomial hash from prefix hashes, its tag, the filter.
                    var hash = Prefilter.SubMod(h[s + length], Prefilter.MulMod(h[s], powers[length]));
                    if (index.MayHaveTag(prefilter.Tag(hash, length)))
                    {
                        Confirm(context, run, s, length, lineNumber, runOffset);
                    }
                }
                else if (f != 0)
                {
                    Check(context, run, h, powers, s, length, f, lineNumber, runOffset);
                }
            }
            foreach (var length in longLengths)
            {
                var e = s + length;
                if (e > m)
                {
                    break;
                }
                if (e == m || !(ByteClasses.IsWord(run[e - 1]) && ByteClasses.IsWord(run[e])))
                {
                    Check(context, run, h, powers, s, length, flags[length], lineNumber, runOffset);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Check(TextContext context, ReadOnlySpan<byte> run, Span<ulong> h, ulong[] powers, int start,
        int length, byte flags, long lineNumber, long runOffset)
    {
        if ((flags & FingerprintIndex.NeedsHmac) == 0)
        {
            var hash = Prefilter.SubMod(h[start + length], Prefilter.MulMod(h[start], powers[length]));
            if (!index.MayHaveTag(index.Prefilter.Tag(hash, length)))
            {
                return;
            }
        }
        Confirm(context, run, start, length, lineNumber, runOffset);
    }

    /// <summary>The full check (HMAC, pepper, stored hash lookup) for a window that passed the prefilter.</summary>
    private void Confirm(TextContext context, ReadOnlySpan<byte> run, int start, int length, long lineNumber,
        long runOffset)
    {
        var (first, count) = index.FindRange(run.Slice(start, length));
        for (var k = 0; k < count; k++)
        {
            var at = context.AnchorAt(lineNumber, runOffset + start);
            Findings.Add(new Finding(index.RefAt(first + k), at.Line, at.Offset, context.ChainName, context.Path));
        }
    }

    /// <summary>Base64 (and base64url) runs, and hex runs, long enough to hold the shortest registered secret.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeRuns(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        var minBase64 = Math.Max(8, (index.MinLength * 4 + 2) / 3);
        var minHex = index.MinLength * 2;
        var i = 0;
        while (i < line.Length)
        {
            var skip = line[i..].IndexOfAny(ByteClasses.Base64);
            if (skip < 0)
            {
                break;
            }
            var runStart = i + skip;
            var length = line[runStart..].IndexOfAnyExcept(ByteClasses.Base64);
            var alphabetEnd = length < 0 ? line.Length : runStart + length;
            var runEnd = alphabetEnd;
            while (runEnd < line.Length && runEnd - alphabetEnd < 2 && line[runEnd] == (byte)'=')
            {
                runEnd++;
            }
            var run = line[runStart..runEnd];
            if (alphabetEnd - runStart >= minHex && run.IndexOfAnyExcept(ByteClasses.Hex) < 0)
            {
                Decode(context, run, "hex", lineNumber, lineOffset + runStart);
            }
            else if (alphabetEnd - runStart >= minBase64 && LooksLikeBase64(line[runStart..alphabetEnd]))
            {
                Decode(context, run, "base64", lineNumber, lineOffset + runStart);
            }
            i = runEnd;
        }
    }

    /// <summary>
    /// Base64 of anything worth decoding (text, archives, keys) has both upper- and lower-case letters in any run long
    /// enough to hold a secret; words, identifiers and hex digests mostly do not, and are not decoded.
    /// </summary>
    private static bool LooksLikeBase64(ReadOnlySpan<byte> run)
        => run.IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0 && run.IndexOfAnyInRange((byte)'a', (byte)'z') >= 0;

    /// <summary>Lines with escapes are decoded whole, once per escape kind, and the result scanned again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeEscapes(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        if (line.IndexOfAny(ByteClasses.EscapeStarts) < 0)
        {
            return;
        }
        if (line.IndexOf((byte)'\\') >= 0)
        {
            Decode(context, line, "escape", lineNumber, lineOffset);
        }
        if (line.IndexOf((byte)'%') >= 0)
        {
            Decode(context, line, "url", lineNumber, lineOffset);
        }
        if (line.IndexOf((byte)'&') >= 0)
        {
            Decode(context, line, "html", lineNumber, lineOffset);
        }
        if (HasQuotedPrintableEscape(line))
        {
            Decode(context, line, "qp", lineNumber, lineOffset);
        }
        if (HasInnerDoubledQuote(line))
        {
            Decode(context, line, "quotes", lineNumber, lineOffset);
        }
    }

    /// <summary>
    /// An <c>=XX</c> escape that quoted-printable would write for a secret (punctuation, '=' itself, UTF-8 bytes), not
    /// the <c>status=200</c> or <c>id=42</c> of every log line.
    /// </summary>
    private static bool HasQuotedPrintableEscape(ReadOnlySpan<byte> line)
    {
        var i = line.IndexOf((byte)'=');
        while (i >= 0 && i + 2 < line.Length)
        {
            var hi = line[i + 1];
            var lo = line[i + 2];
            if (hi is (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'6' or (byte)'7'
                    or (byte)'8' or (byte)'9' or (byte)'A' or (byte)'B' or (byte)'C' or (byte)'D' or (byte)'E' or (byte)'F'
                && (lo is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F'))
            {
                var value = (ByteClasses.HexValue(hi) << 4) | ByteClasses.HexValue(lo);
                if (value >= 0x80 || (value > 0x20 && !char.IsAsciiLetterOrDigit((char)value)))
                {
                    return true;
                }
            }
            var next = line[(i + 1)..].IndexOf((byte)'=');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return false;
    }

    /// <summary>A doubled quote inside a value (<c>pa""ss</c>), not an empty string (<c>: ""</c>).</summary>
    private static bool HasInnerDoubledQuote(ReadOnlySpan<byte> line)
    {
        for (var i = 1; i + 2 < line.Length; i++)
        {
            var q = line[i];
            if ((q == (byte)'"' || q == (byte)'\'') && line[i + 1] == q && !IsSeparator(line[i - 1], q)
                && !IsSeparator(line[i + 2], q))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsSeparator(byte b, byte quote)
        => b == quote || b <= (byte)' ' || b is (byte)',' or (byte)';' or (byte)':' or (byte)'=' or (byte)'('
            or (byte)')' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}';

    private void Decode(TextContext context, ReadOnlySpan<byte> input, string decoder, long lineNumber, long offset)
    {
        var output = ArrayPool<byte>.Shared.Rent(input.Length + 8);
        var scratch = decoder == "base64" ? ArrayPool<byte>.Shared.Rent(input.Length + 8) : null;
        try
        {
            var n = decoder switch
            {
                "base64" => Decoders.Base64(input, output, scratch),
                "hex" => Decoders.Hex(input, output),
                "escape" => Decoders.Backslash(input, output),
                "url" => Decoders.Percent(input, output),
                "html" => Decoders.Html(input, output),
                "qp" => Decoders.QuotedPrintable(input, output),
                "quotes" => Decoders.DoubledQuotes(input, output),
                _ => -1,
            };
            if (n >= index.MinLength && TryCharge(n))
            {
                ScanDecoded(output, n, ChainOf(context.Chain, decoder), context.Path, context.Depth + 1,
                    context.AnchorAt(lineNumber, offset));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>
    /// Collects a PEM block from its BEGIN line to its END line and matches its normalised body (base64 only, no
    /// whitespace, no headers). Returns true when the line belongs to an open block.
    /// </summary>
    private bool TrackPem(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        if (context.Pem is { } pem)
        {
            var end = line.IndexOf(PemNormalizer.EndMarker);
            if (end >= 0)
            {
                pem.Write(line[..end]);
                FinishPem(context);
                return false;
            }
            if (pem.WrittenCount + line.Length > MaxPemBytes)
            {
                context.Pem = null; // not a real PEM block: give up on it
                return false;
            }
            pem.Write(line);
            pem.Write("\n"u8);
            return true;
        }
        var begin = line.IndexOf(PemNormalizer.BeginMarker);
        if (begin < 0)
        {
            return false;
        }
        var afterHeader = PemNormalizer.SkipMarkerLine(line, begin);
        var rest = line[afterHeader..];
        context.Pem = new ArrayBufferWriter<byte>(4096);
        context.PemAnchor = context.AnchorAt(lineNumber, lineOffset + begin);
        var endInLine = rest.IndexOf(PemNormalizer.EndMarker);
        if (endInLine >= 0)
        {
            context.Pem.Write(rest[..endInLine]);
            FinishPem(context);
            return false;
        }
        context.Pem.Write(rest);
        context.Pem.Write("\n"u8);
        return true;
    }

    private void FinishPem(TextContext context)
    {
        var pem = context.Pem!;
        context.Pem = null;
        var body = ArrayPool<byte>.Shared.Rent(pem.WrittenCount + 1);
        try
        {
            var n = PemNormalizer.AppendBody(pem.WrittenSpan, body);
            if (n >= index.MinLength && TryCharge(n))
            {
                ScanDecoded(body, n, ChainOf(context.Chain, "pem"), context.Path, context.Depth + 1, context.PemAnchor);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Quoted-printable soft line breaks (a line ending in '='): joined, then decoded as one text.</summary>
    private void TrackSoftBreaks(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        // Encoders wrap quoted-printable at 76 columns, so a soft break ends a long line; a short line ending in '='
        // is far more often base64 padding (k8s secrets, .env values) and is not joined with the next one.
        var soft = line.Length is >= 60 and <= 78 && line[^1] == (byte)'=' && line[^2] != (byte)'='
            || context.SoftBreaks is not null && !line.IsEmpty && line[^1] == (byte)'=';
        if (soft && context.SoftBreaks is null)
        {
            context.SoftBreaks = new ArrayBufferWriter<byte>(1024);
            context.SoftBreakAnchor = context.AnchorAt(lineNumber, lineOffset);
        }
        if (context.SoftBreaks is not { } joined)
        {
            return;
        }
        joined.Write(soft ? line[..^1] : line);
        if (!soft || joined.WrittenCount > MaxSoftBreakBytes)
        {
            FinishSoftBreaks(context);
        }
    }

    private void FinishSoftBreaks(TextContext context)
    {
        var joined = context.SoftBreaks!;
        context.SoftBreaks = null;
        var output = ArrayPool<byte>.Shared.Rent(joined.WrittenCount + 1);
        try
        {
            var n = Decoders.QuotedPrintable(joined.WrittenSpan, output);
            if (n < 0)
            {
                joined.WrittenSpan.CopyTo(output);
                n = joined.WrittenCount;
            }
            if (n >= index.MinLength && TryCharge(n))
            {
                ScanDecoded(output, n, ChainOf(context.Chain, "qp"), context.Path, context.Depth + 1,
                    context.SoftBreakAnchor);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private void FinishMultiline(TextContext context)
    {
        if (context.Pem is not null)
        {
            FinishPem(context);
        }
        if (context.SoftBreaks is not null)
        {
            FinishSoftBreaks(context);
        }
    }
}
