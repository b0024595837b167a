namespace LeakMonitor.Core.Fingerprints;

/// <summary>Unpadded base64url (RFC 4648 §5), the text form of fingerprints.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        bytes = new byte[s.Length * 3 / 4];
        if (Convert.TryFromBase64String(s, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
