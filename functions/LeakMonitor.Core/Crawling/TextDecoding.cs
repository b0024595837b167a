using System.Text;
using System.Text.RegularExpressions;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// Turns the bytes of an HTML page into text when the declared charset may be wrong. Order: a BOM; bytes that are
/// valid UTF-8 (a page that decodes as UTF-8 is almost never meant as Latin-1, whatever its header says); the
/// charset of the Content-Type header; a &lt;meta charset&gt; in the first 1024 bytes; windows-1252 (what browsers assume).
/// Raw pastes are never decoded: their bytes are stored as they came.
/// </summary>
public static partial class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(ReadOnlySpan<byte> body, string? declaredCharset)
        => Pick(body, declaredCharset, out var bom).GetString(body[bom..]);

    /// <summary>The encoding to use, and the length of a byte-order mark to skip.</summary>
    public static Encoding Pick(ReadOnlySpan<byte> body, string? declaredCharset, out int bomLength)
    {
        bomLength = 0;
        if (body.StartsWith("\xEF\xBB\xBF"u8))
        {
            bomLength = 3;
            return Encoding.UTF8;
        }
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            bomLength = 2;
            return Encoding.Unicode;
        }
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            bomLength = 2;
            return Encoding.BigEndianUnicode;
        }
        if (IsValidUtf8(body))
        {
            return Encoding.UTF8;
        }
        if (Named(declaredCharset) is { } declared && declared.CodePage != Encoding.UTF8.CodePage)
        {
            return declared;
        }
        var head = Encoding.ASCII.GetString(body[..Math.Min(body.Length, 1024)]);
        if (MetaCharset().Match(head) is { Success: true } meta && Named(meta.Groups[1].Value) is { } sniffed
            && sniffed.CodePage != Encoding.UTF8.CodePage)
        {
            return sniffed;
        }
        return Encoding.GetEncoding(1252);
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> body)
    {
        try
        {
            StrictUtf8.GetCharCount(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Encoding? Named(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        try
        {
            return Encoding.GetEncoding(name.Trim().Trim('"', '\''));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
