using System.Text;

namespace LeakMonitor.Core.Fingerprints;

/// <summary>
/// PEM blocks (private keys, certificates) are fingerprinted by their base64 body alone, every whitespace removed,
/// without the <c>-----BEGIN/END …-----</c> lines or RFC 1421 headers (<c>Proc-Type:</c>). The same body is what the
/// scanner extracts from any PEM block it meets, so wrapping (64 or 76 columns), CRLF, indentation and
/// <c>\n</c> escapes (decoded first) do not change the match.
/// </summary>
public static class PemNormalizer
{
    public static ReadOnlySpan<byte> BeginMarker => "-----BEGIN "u8;
    public static ReadOnlySpan<byte> EndMarker => "-----END "u8;

    /// <summary>True when the text holds a BEGIN line: it is then fingerprinted as a PEM body.</summary>
    public static bool LooksLikePem(string secret)
        => secret.Contains("-----BEGIN ", StringComparison.Ordinal) && secret.Contains("-----END ", StringComparison.Ordinal);

    /// <summary>The normalised body of the first PEM block in <paramref name="secret"/>.</summary>
    public static byte[] NormalizeSecret(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        var output = new byte[bytes.Length];
        var begin = bytes.AsSpan().IndexOf(BeginMarker);
        var afterHeader = SkipMarkerLine(bytes, begin);
        var end = bytes.AsSpan(afterHeader).IndexOf(EndMarker);
        var body = end < 0 ? bytes.AsSpan(afterHeader) : bytes.AsSpan(afterHeader, end);
        var written = AppendBody(body, output);
        return output[..written];
    }

    /// <summary>Index just past the <c>-----</c> that closes the marker starting at <paramref name="markerStart"/>.</summary>
    public static int SkipMarkerLine(ReadOnlySpan<byte> text, int markerStart)
    {
        var from = markerStart + 5; // past the opening dashes
        var close = text[from..].IndexOf("-----"u8);
        return close < 0 ? text.Length : from + close + 5;
    }

    /// <summary>
    /// Copies the body's base64 characters to <paramref name="output"/> (at least as long as the body), dropping
    /// whitespace and RFC 1421 header lines (<c>Name: value</c>). Returns the number of bytes written.
    /// </summary>
    public static int AppendBody(ReadOnlySpan<byte> body, Span<byte> output)
    {
        var written = 0;
        while (!body.IsEmpty)
        {
            var newline = body.IndexOf((byte)'\n');
            var line = newline < 0 ? body : body[..newline];
            body = newline < 0 ? [] : body[(newline + 1)..];
            if (line.IndexOf((byte)':') >= 0)
            {
                continue; // Proc-Type: / DEK-Info: headers of encrypted keys
            }
            foreach (var b in line)
            {
                if (b > (byte)' ' && b != 0x7F)
                {
                    output[written++] = b;
                }
            }
        }
        return written;
    }
}
