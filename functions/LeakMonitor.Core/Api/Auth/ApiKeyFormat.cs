using System.Security.Cryptography;
using System.Text;
using LeakMonitor.Core.Fingerprints;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>
/// API keys look like <c>lmk_&lt;id&gt;_&lt;secret&gt;</c>: the prefix makes them recognisable to secret scanners (and to
/// LeakMonitor itself), the 16-hex-digit id finds the stored row with one point read, and the secret is 32 bytes from
/// the OS CSPRNG in base64url.
/// </summary>
/// <remarks>
/// Only SHA-256 of the whole key is stored. A slow password hash (PBKDF2, Argon2) exists to make guessing low-entropy
/// human passwords expensive; a 256-bit random secret cannot be guessed at any hash speed, so a fast hash loses nothing,
/// and it keeps every request's authentication cheap (no CPU to burn for someone sending bad keys). Digests are
/// compared in constant time.
/// </remarks>
public static class ApiKeyFormat
{
    public const string Prefix = "lmk_";
    private const int IdHexLength = 16;
    private const int SecretBytes = 32;

    public static (string Id, string Key) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdHexLength / 2));
        var secret = Base64Url.Encode(RandomNumberGenerator.GetBytes(SecretBytes));
        return (id, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The key's id, when <paramref name="key"/> has the shape of an API key (it may still be wrong).</summary>
    public static bool TryParseId(string key, out string id)
    {
        id = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length < Prefix.Length + IdHexLength + 2
            || key[Prefix.Length + IdHexLength] != '_')
        {
            return false;
        }
        var candidate = key.AsSpan(Prefix.Length, IdHexLength);
        foreach (var c in candidate)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        id = candidate.ToString();
        return true;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Matches(string key, string storedHash)
        => storedHash.Length == 64 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(key)), Convert.FromHexString(storedHash));
}
