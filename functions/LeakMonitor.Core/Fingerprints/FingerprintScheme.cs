using System.Security.Cryptography;
using System.Text;

namespace LeakMonitor.Core.Fingerprints;

/// <summary>
/// fpv1: <c>HMAC-SHA256(key = deployment salt, data = UTF-8 of the normalised secret)</c>, written
/// <c>fpv1:&lt;base64url&gt;</c>. Teams compute it on their own machine; the service never sees the secret.
/// See docs/fingerprints.md for the threat model.
/// </summary>
public static class FingerprintScheme
{
    public const string Version = "fpv1";
    public const int HashBytes = 32;

    /// <summary>Public development salt: fine for trying LeakMonitor, worthless for protecting real secrets.</summary>
    public static readonly byte[] DevelopmentSalt = SHA256.HashData("leakmonitor development salt, not for production"u8);

    /// <summary>Public development pepper, used when the service has no configured pepper.</summary>
    public static readonly byte[] DevelopmentPepper = SHA256.HashData("leakmonitor development pepper, not for production"u8);

    /// <summary>
    /// The bytes that are fingerprinted: the secret without surrounding whitespace, as UTF-8; for a PEM block, its
    /// base64 body with every whitespace removed (see <see cref="PemNormalizer"/>).
    /// </summary>
    public static byte[] Normalize(string secret)
        => PemNormalizer.LooksLikePem(secret)
            ? PemNormalizer.NormalizeSecret(secret)
            : Encoding.UTF8.GetBytes(secret.Trim());

    public static byte[] Hash(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> normalizedSecret)
        => HMACSHA256.HashData(salt, normalizedSecret);

    public static string Format(ReadOnlySpan<byte> hash) => $"{Version}:{Base64Url.Encode(hash)}";

    /// <summary>Parses <c>fpv1:&lt;base64url&gt;</c>; returns a reason when it is not one.</summary>
    public static bool TryParse(string? text, out byte[] hash, out string error)
    {
        hash = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is required";
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || text[..colon] != Version)
        {
            error = $"must start with '{Version}:' (the only fingerprint version this service accepts)";
            return false;
        }
        if (!Base64Url.TryDecode(text[(colon + 1)..], out hash) || hash.Length != HashBytes)
        {
            error = $"must be '{Version}:' followed by {HashBytes} bytes in base64url, as 'leakmon fingerprint' writes it";
            return false;
        }
        error = "";
        return true;
    }
}
