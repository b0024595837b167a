using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using LeakMonitor.Core.Fingerprints;

namespace LeakMonitor.Core.Matching;

internal sealed partial class ScanSession
{
    private const int MaxPemBytes = 64 << 10;

    /// <summary>The most a joined quoted-printable paragraph or wrapped base64 block may hold before it is decoded.</summary>
    private const int MaxJoinedBytes = 1 << 20;

    /// <summary>A text being walked: its decoder chain and the multi-line constructs (PEM, QP, base64) open in it.</summary>
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

        /// <summary>Lines of a wrapped base64 block (`base64`, MIME, openssl): held until the block ends.</summary>
        public ArrayBufferWriter<byte>? Base64Block { get; set; }
        public int Base64Width { get; set; }
        public int Base64Lines { get; set; }
        public long Base64Line { get; set; }
        public long Base64Offset { get; set; }

        /// <summary>Where a decoded run found at this line and offset is reported: the outermost anchor wins.</summary>
        public Anchor AnchorAt(long line, long offset) => Anchor ?? new Anchor(line, offset);
    }

    /// <summary>
    /// Scans one part of a larger plain-text file as text (no sniffing: the part may start with any bytes); returns
    /// how many lines it held, so the caller can number the next part's lines.
    /// </summary>
    public long ScanTextPart(Stream input) => ScanText(input, chain: "", path: "", depth: 0, anchor: null);

    /// <summary>Streams text line by line; lines longer than a slice are cut in overlapping slices.</summary>
    /// <returns>The number of lines ended by a newline, plus one for a last line without one.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private long ScanText(Stream input, string chain, string path, int depth, Anchor? anchor)
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
            return line - 1;
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
        if (TrackBase64Block(context, line, lineNumber, lineOffset))
        {
            return; // held: decoded with the rest of its block
        }
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
    /// is a candidate. One pass over the run computes prefix hashes and a bitmap of boundaries; then, per start, the
    /// candidate ends are the set bits of (boundaries ahead AND registered lengths), each window's polynomial hash
    /// comes from prefix hashes in O(1), and only Bloom filter hits go on to the tag table and the HMAC.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MatchRun(TextContext context, ReadOnlySpan<byte> run, long lineNumber, long runOffset)
    {
        var m = run.Length;
        // Boundary bits for positions 0..m, then zero words so a 64-bit read up to 255 positions ahead stays inside.
        var words = (m >> 6) + 6;
        if (prefix.Length < m + 1 || bounds.Length < words)
        {
            ArrayPool<ulong>.Shared.Return(prefix);
            prefix = ArrayPool<ulong>.Shared.Rent(m + 1);
            ArrayPool<ulong>.Shared.Return(bounds);
            bounds = ArrayPool<ulong>.Shared.Rent(words);
        }
        var h = prefix;
        var b = bounds;
        Array.Clear(b, 0, words);
        var baseValue = index.Prefilter.Base;
        ulong hash = 0;
        var previousWord = false;
        for (var i = 0; i < m; i++)
        {
            var c = run[i];
            var word = ByteClasses.IsWord(c);
            b[i >> 6] |= (previousWord & word ? 0UL : 1UL) << i;
            h[i] = hash;
            hash = Prefilter.AddByte(Prefilter.MulMod(hash, baseValue), c);
            previousWord = word;
        }
        h[m] = hash;
        b[m >> 6] |= 1UL << m;

        var powers = index.Powers;
        var lengthMask = index.ShortLengthMask;
        var shortMax = index.ShortMax;
        var longLengths = index.LongLengths;
        var bloom = index.Bloom;
        var bloomShift = index.BloomShift;
        var hmacLengths = index.HasShortHmacLengths;
        var mixAdd = index.Prefilter.MixAdd;
        var mixLength = index.Prefilter.MixLength;
        var lastStart = m - index.MinLength;
        for (var sw = 0; sw <= lastStart >> 6; sw++)
        {
            var starts = b[sw];
            while (starts != 0)
            {
                var s = (sw << 6) + BitOperations.TrailingZeroCount(starts);
                starts &= starts - 1;
                if (s > lastStart)
                {
                    break;
                }
                var hs = h[s];
                var reach = Math.Min(m - s, shortMax);
                for (var w = 0; w << 6 <= reach; w++)
                {
                    // Boundaries at s + 64w .. s + 64w + 63, as bits 0..63, that are also registered lengths.
                    var p = s + (w << 6);
                    var ends = (b[p >> 6] >> p) | (b[(p >> 6) + 1] << 1 << (63 - (p & 63)));
                    ends &= lengthMask[w];
                    while (ends != 0)
                    {
                        var length = (w << 6) + BitOperations.TrailingZeroCount(ends);
                        ends &= ends - 1;
                        var windowHash = Prefilter.SubMod(h[s + length], Prefilter.MulMod(hs, powers[length]));
                        var tag = Prefilter.Tag(windowHash, length, mixAdd, mixLength);
                        var t = tag == 0 ? 1 : tag;
                        var spread = FingerprintIndex.Spread(t);
                        var bits = FingerprintIndex.BloomBits(spread);
                        var inBloom = (bloom[spread >> bloomShift] & bits) == bits;
                        if (inBloom || hmacLengths)
                        {
                            CheckWindow(context, run, s, length, t, inBloom, lineNumber, runOffset);
                        }
                    }
                }
                foreach (var length in longLengths)
                {
                    var e = s + length;
                    if (e > m)
                    {
                        break;
                    }
                    if ((b[e >> 6] & (1UL << e)) != 0)
                    {
                        var windowHash = Prefilter.SubMod(h[e], Prefilter.MulMod(hs, powers[length]));
                        var tag = index.Prefilter.Tag(windowHash, length);
                        var t = tag == 0 ? 1 : tag;
                        CheckWindow(context, run, s, length, t, index.InBloom(t), lineNumber, runOffset);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A window whose tag (0 mapped to 1) is in the Bloom filter goes on to the exact tag table; a window of a length
    /// with registrations that have no tag always goes on to the HMAC.
    /// </summary>
    private void CheckWindow(TextContext context, ReadOnlySpan<byte> run, int start, int length, uint tag,
        bool inBloom, long lineNumber, long runOffset)
    {
        if ((inBloom && index.InTagTable(tag)) || (index.LengthFlags[length] & FingerprintIndex.NeedsHmac) != 0)
        {
            Confirm(context, run, start, length, lineNumber, runOffset);
        }
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

    /// <summary>
    /// Lines with escapes are decoded once per escape kind, and the result scanned again. Only the stretch from the
    /// first to the last whitespace-free run holding such an escape is decoded: these decoders keep literal
    /// whitespace, so a secret in the decoded text lies within one run's decoding, and runs without an escape are
    /// unchanged. A line holding a PEM BEGIN marker is decoded whole, so the block's marker lines stay intact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeEscapes(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        if (line.IndexOfAny(ByteClasses.EscapeStarts) < 0)
        {
            return;
        }
        var whole = line.IndexOf(PemNormalizer.BeginMarker) >= 0;
        if (line.IndexOf((byte)'\\') is var backslash and >= 0)
        {
            DecodeStretch(context, line, backslash, line.LastIndexOf((byte)'\\'), whole, "escape", lineNumber, lineOffset);
        }
        if (line.IndexOf((byte)'%') is var percent and >= 0)
        {
            DecodeStretch(context, line, percent, line.LastIndexOf((byte)'%'), whole, "url", lineNumber, lineOffset);
        }
        if (line.IndexOf((byte)'&') is var ampersand and >= 0)
        {
            DecodeStretch(context, line, ampersand, line.LastIndexOf((byte)'&'), whole, "html", lineNumber, lineOffset);
        }
        if (QuotedPrintableEscapes(line, out var firstEscape, out var lastEscape))
        {
            DecodeStretch(context, line, firstEscape, lastEscape, whole, "qp", lineNumber, lineOffset);
        }
        if (HasInnerDoubledQuote(line))
        {
            Decode(context, line, "quotes", lineNumber, lineOffset);
        }
    }

    /// <summary>Decodes the runs from the one holding <paramref name="first"/> to the one holding <paramref name="last"/>.</summary>
    private void DecodeStretch(TextContext context, ReadOnlySpan<byte> line, int first, int last, bool whole,
        string decoder, long lineNumber, long lineOffset)
    {
        var start = 0;
        var end = line.Length;
        if (!whole)
        {
            start = line[..first].LastIndexOfAny(ByteClasses.Delimiters) + 1;
            var delimiter = line[last..].IndexOfAny(ByteClasses.Delimiters);
            end = delimiter < 0 ? line.Length : last + delimiter;
        }
        if (end - start >= index.MinLength)
        {
            Decode(context, line[start..end], decoder, lineNumber, lineOffset + start);
        }
    }

    /// <summary>
    /// Whether the line has an <c>=XX</c> escape that quoted-printable would write for a secret (punctuation, '='
    /// itself, UTF-8 bytes), not the <c>status=200</c> or <c>id=42</c> of every log line; and where the first and
    /// last such escapes are.
    /// </summary>
    private static bool QuotedPrintableEscapes(ReadOnlySpan<byte> line, out int first, out int last)
    {
        first = last = -1;
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
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            var next = line[(i + 1)..].IndexOf((byte)'=');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return first >= 0;
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
                ReturnWriter(pem);
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
        context.Pem = RentWriter();
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
            ReturnWriter(pem);
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
            context.SoftBreaks = RentWriter();
            context.SoftBreakAnchor = context.AnchorAt(lineNumber, lineOffset);
        }
        if (context.SoftBreaks is not { } joined)
        {
            return;
        }
        joined.Write(soft ? line[..^1] : line);
        if (!soft || joined.WrittenCount > MaxJoinedBytes)
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
            ReturnWriter(joined);
        }
    }

    /// <summary>
    /// Base64 wrapped over lines of one width (76 for <c>base64</c> and MIME, 64 for openssl; at least
    /// <see cref="MinBase64Width"/>), ending with a shorter line or the first line that is not base64, is joined and
    /// decoded as one run, so a secret split by the wrapping is found. A full-width line is held rather than decoded
    /// alone; a block of one line is decoded as its own run when it ends. Returns true when the line was held.
    /// </summary>
    private bool TrackBase64Block(TextContext context, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        var body = Base64Line(line, out var start, out var padded);
        var isBase64 = !body.IsEmpty && padded >= body.Length - 2 && body[padded..].IndexOfAnyExcept((byte)'=') < 0;
        if (context.Base64Block is { } block)
        {
            if (isBase64 && body.Length <= context.Base64Width && block.WrittenCount + body.Length <= MaxJoinedBytes)
            {
                block.Write(body);
                context.Base64Lines++;
                if (body.Length < context.Base64Width || padded < body.Length)
                {
                    FinishBase64Block(context); // a short or padded line ends the block
                }
                return true;
            }
            FinishBase64Block(context);
        }
        if (!isBase64 || body.Length < MinBase64Width || padded < body.Length || body.Length % 4 != 0
            || !LooksLikeBase64(body))
        {
            return false;
        }
        context.Base64Block = RentWriter();
        context.Base64Block.Write(body);
        context.Base64Width = body.Length;
        context.Base64Lines = 1;
        context.Base64Line = lineNumber;
        context.Base64Offset = lineOffset + start;
        return true;
    }

    private const int MinBase64Width = 40;

    /// <summary>The line without surrounding blanks, where that starts, and where its '=' padding starts.</summary>
    private static ReadOnlySpan<byte> Base64Line(ReadOnlySpan<byte> line, out int start, out int padded)
    {
        start = line.IndexOfAnyExcept(" \t\r"u8);
        var body = start < 0 ? [] : line[start..].TrimEnd(" \t\r"u8);
        start = Math.Max(start, 0);
        var alphabet = body.IndexOfAnyExcept(ByteClasses.Base64);
        padded = alphabet < 0 ? body.Length : alphabet;
        return body;
    }

    /// <summary>
    /// Whether a wrapped base64 block could go on after this line (a full line of base64 without padding): a file
    /// must not be cut into parts there.
    /// </summary>
    internal static bool MayContinueBase64Block(ReadOnlySpan<byte> line)
    {
        var body = Base64Line(line, out _, out var padded);
        return body.Length >= MinBase64Width && padded == body.Length && body.Length % 4 == 0;
    }

    private void FinishBase64Block(TextContext context)
    {
        var block = context.Base64Block!;
        context.Base64Block = null;
        if (context.Base64Lines == 1)
        {
            DecodeRuns(context, block.WrittenSpan, context.Base64Line, context.Base64Offset);
        }
        else
        {
            Decode(context, block.WrittenSpan, "base64", context.Base64Line, context.Base64Offset);
        }
        ReturnWriter(block);
    }

    private readonly Stack<ArrayBufferWriter<byte>> writers = new();

    /// <summary>Buffers for the multi-line joiners, reused: a paste of short base64 lines must not allocate per line.</summary>
    private ArrayBufferWriter<byte> RentWriter() => writers.TryPop(out var writer) ? writer : new ArrayBufferWriter<byte>(4096);

    private void ReturnWriter(ArrayBufferWriter<byte> writer)
    {
        if (writer.Capacity <= 1 << 20 && writers.Count < 16)
        {
            writer.ResetWrittenCount();
            writers.Push(writer);
        }
    }

    private void FinishMultiline(TextContext context)
    {
        if (context.Base64Block is not null)
        {
            FinishBase64Block(context);
        }
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
