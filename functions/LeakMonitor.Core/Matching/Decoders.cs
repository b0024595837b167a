using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace LeakMonitor.Core.Matching;

/// <summary>
/// Span-to-span decoders for the encodings leaks come in. Each writes into a caller-provided buffer (at least as long
/// as its input, plus 4 bytes for base64 padding) and returns the decoded length, or -1 when nothing was decoded.
/// </summary>
internal static class Decoders
{
    /// <summary>Base64 or base64url (padding optional). -1 when the run is not valid base64.</summary>
    public static int Base64(ReadOnlySpan<byte> run, Span<byte> output, Span<byte> scratch)
    {
        var n = run.Length;
        while (n > 0 && run[n - 1] == (byte)'=')
        {
            n--;
        }
        if (n % 4 == 1)
        {
            n--; // a dangling sextet cannot hold a whole byte
        }
        for (var i = 0; i < n; i++)
        {
            var b = run[i];
            scratch[i] = b == (byte)'-' ? (byte)'+' : b == (byte)'_' ? (byte)'/' : b;
        }
        var padded = n;
        while (padded % 4 != 0)
        {
            scratch[padded++] = (byte)'=';
        }
        var status = System.Buffers.Text.Base64.DecodeFromUtf8(scratch[..padded], output, out _, out var written);
        return status == OperationStatus.Done ? written : -1;
    }

    public static int Hex(ReadOnlySpan<byte> run, Span<byte> output)
    {
        var n = run.Length & ~1;
        for (var i = 0; i < n; i += 2)
        {
            var hi = ByteClasses.HexValue(run[i]);
            var lo = ByteClasses.HexValue(run[i + 1]);
            if (hi < 0 || lo < 0)
            {
                return -1;
            }
            output[i / 2] = (byte)((hi << 4) | lo);
        }
        return n / 2;
    }

    /// <summary>%XX escapes (URL encoding). '+' is left alone: it is a literal in too many secrets.</summary>
    public static int Percent(ReadOnlySpan<byte> line, Span<byte> output)
    {
        var w = 0;
        var changed = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (b == (byte)'%' && i + 2 < line.Length
                && ByteClasses.HexValue(line[i + 1]) is >= 0 and var hi
                && ByteClasses.HexValue(line[i + 2]) is >= 0 and var lo)
            {
                output[w++] = (byte)((hi << 4) | lo);
                i += 2;
                changed = true;
            }
            else
            {
                output[w++] = b;
            }
        }
        return changed ? w : -1;
    }

    /// <summary>=XX escapes of quoted-printable (soft line breaks are joined by the caller).</summary>
    public static int QuotedPrintable(ReadOnlySpan<byte> text, Span<byte> output)
    {
        var w = 0;
        var changed = false;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b == (byte)'=' && i + 2 < text.Length && IsUpperHex(text[i + 1]) && IsUpperHex(text[i + 2]))
            {
                output[w++] = (byte)((ByteClasses.HexValue(text[i + 1]) << 4) | ByteClasses.HexValue(text[i + 2]));
                i += 2;
                changed = true;
            }
            else
            {
                output[w++] = b;
            }
        }
        return changed ? w : -1;
    }

    /// <summary>
    /// Backslash escapes of JSON, YAML double-quoted strings, JavaScript/C-like source and SQL dumps:
    /// <c>\" \\ \/ \' \n \r \t \b \f \uXXXX</c> (surrogate pairs joined), any other <c>\x</c> as <c>x</c>.
    /// </summary>
    public static int Backslash(ReadOnlySpan<byte> line, Span<byte> output)
    {
        var w = 0;
        var changed = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (b != (byte)'\\' || i + 1 >= line.Length)
            {
                output[w++] = b;
                continue;
            }
            changed = true;
            var e = line[++i];
            switch (e)
            {
                case (byte)'n': output[w++] = (byte)'\n'; break;
                case (byte)'r': output[w++] = (byte)'\r'; break;
                case (byte)'t': output[w++] = (byte)'\t'; break;
                case (byte)'b': output[w++] = 0x08; break;
                case (byte)'f': output[w++] = 0x0C; break;
                case (byte)'u' when TryHex4(line, i + 1, out var cp):
                    i += 4;
                    if (char.IsHighSurrogate((char)cp) && i + 6 < line.Length && line[i + 1] == (byte)'\\'
                        && line[i + 2] == (byte)'u' && TryHex4(line, i + 3, out var low) && char.IsLowSurrogate((char)low))
                    {
                        cp = char.ConvertToUtf32((char)cp, (char)low);
                        i += 6;
                    }
                    w += WriteUtf8(cp, output[w..]);
                    break;
                default: output[w++] = e; break;
            }
        }
        return changed ? w : -1;
    }

    /// <summary>Doubled quotes of CSV, SQL and YAML single-quoted strings: <c>""</c> → <c>"</c>, <c>''</c> → <c>'</c>.</summary>
    public static int DoubledQuotes(ReadOnlySpan<byte> line, Span<byte> output)
    {
        var w = 0;
        var changed = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            output[w++] = b;
            if ((b == (byte)'"' || b == (byte)'\'') && i + 1 < line.Length && line[i + 1] == b)
            {
                i++;
                changed = true;
            }
        }
        return changed ? w : -1;
    }

    /// <summary>HTML/XML character references: numeric (<c>&amp;#64; &amp;#x40;</c>) and the common named ones.</summary>
    public static int Html(ReadOnlySpan<byte> line, Span<byte> output)
    {
        var w = 0;
        var changed = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (b == (byte)'&')
            {
                var semi = line.Slice(i + 1, Math.Min(12, line.Length - i - 1)).IndexOf((byte)';');
                if (semi > 0 && TryEntity(line.Slice(i + 1, semi), out var cp))
                {
                    w += WriteUtf8(cp, output[w..]);
                    i += semi + 1;
                    changed = true;
                    continue;
                }
            }
            output[w++] = b;
        }
        return changed ? w : -1;
    }

    private static bool TryEntity(ReadOnlySpan<byte> name, out int codePoint)
    {
        codePoint = 0;
        if (name.Length > 1 && name[0] == (byte)'#')
        {
            var hex = name[1] is (byte)'x' or (byte)'X';
            var digits = name[(hex ? 2 : 1)..];
            if (digits.IsEmpty)
            {
                return false;
            }
            foreach (var d in digits)
            {
                var v = hex ? ByteClasses.HexValue(d) : d is >= (byte)'0' and <= (byte)'9' ? d - '0' : -1;
                if (v < 0 || codePoint > 0x10FFFF)
                {
                    return false;
                }
                codePoint = codePoint * (hex ? 16 : 10) + v;
            }
            return codePoint is > 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF);
        }
        codePoint = Encoding.ASCII.GetString(name) switch
        {
            "amp" => '&', "lt" => '<', "gt" => '>', "quot" => '"', "apos" => '\'', "nbsp" => 0xA0,
            "sol" => '/', "bsol" => '\\', "colon" => ':', "semi" => ';', "equals" => '=', "plus" => '+',
            "num" => '#', "excl" => '!', "quest" => '?', "dollar" => '$', "percnt" => '%', "commat" => '@',
            "lowbar" => '_', "period" => '.', "comma" => ',', "lpar" => '(', "rpar" => ')', "ast" => '*',
            "Hat" => '^', "grave" => '`', "tilde" => '~', "verbar" => '|', "lsqb" => '[', "rsqb" => ']',
            "lbrace" => '{', "rbrace" => '}', "hyphen" => '-', "dash" => '-',
            _ => 0,
        };
        return codePoint != 0;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int at, out int value)
    {
        value = 0;
        if (at + 4 > s.Length)
        {
            return false;
        }
        for (var k = 0; k < 4; k++)
        {
            var v = ByteClasses.HexValue(s[at + k]);
            if (v < 0)
            {
                return false;
            }
            value = (value << 4) | v;
        }
        return true;
    }

    private static bool IsUpperHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F';

    /// <summary>Writes a code point as UTF-8 (lone surrogates as U+FFFD); at most 4 bytes, never more than the escape.</summary>
    private static int WriteUtf8(int cp, Span<byte> output)
    {
        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            cp = 0xFFFD;
        }
        return new Rune(cp).EncodeToUtf8(output);
    }
}
