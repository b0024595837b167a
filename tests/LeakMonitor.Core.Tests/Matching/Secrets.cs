using System.Security.Cryptography;
using System.Text;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Matching;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>
/// Realistic-looking (but invented) secrets of the kinds that leak, and a registry holding them, built the way the
/// service builds it: fpv1 with the salt, peppered, with the pfv1 prefilter tag 'leakmon fingerprint' writes.
/// </summary>
internal static class Secrets
{
    public const string AwsAccessKeyId = "AKIAQ3EGRTLYK5NZ7W2P";
    public const string AwsSecretKey = "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";
    public const string GitHubToken = "ghp_R8kT2mVx9QwLp4NzJ7hYc3BdF6sGa1UeKo5i";
    public const string SlackBotToken = "xoxb-2918475610234-5729104836271-Zq8RkT3mWx9VbLp2NcJ7hYf4";
    public const string StripeKey = "sk_live_51HqLyjWDarjtT1zdp7dcXtnKZ4aBcDe";
    public const string NpmToken = "npm_Kx7Qm2Vt9RbLp4WzJ8hYc3NdF6sGa1UeTo5j";
    public const string Password = "Sup3r$ecret!#2024";
    public const string QuotedPassword = "p@ss\"w0rd\\x!Q9";
    public const string ApostrophePassword = "it's-a-Pa55w0rd-7";
    public const string ComboPassword = "Hunter2#Lagoon%88";

    public static readonly string AzureStorageKey = Convert.ToBase64String(
        SHA512.HashData("fixture azure storage account key"u8)); // 88 chars with + / and ==

    public static readonly string Jwt = MakeJwt();

    public static readonly string PrivateKeyPem = MakePem();

    public static readonly byte[] Salt = FingerprintScheme.DevelopmentSalt;
    public static readonly byte[] Pepper = FingerprintScheme.DevelopmentPepper;

    public static IEnumerable<(string Label, string Secret)> All =>
    [
        ("aws-key-id", AwsAccessKeyId), ("aws-secret", AwsSecretKey), ("github", GitHubToken),
        ("slack", SlackBotToken), ("stripe", StripeKey), ("npm", NpmToken), ("password", Password),
        ("quoted-password", QuotedPassword), ("apostrophe-password", ApostrophePassword),
        ("combo-password", ComboPassword), ("azure-storage", AzureStorageKey), ("jwt", Jwt),
        ("private-key", PrivateKeyPem),
    ];

    public static FingerprintIndex TestIndex { get; } = BuildIndex(withPrefilter: true);

    public static IndexEntry Entry(string label, string secret, bool withPrefilter = true)
    {
        var normalized = FingerprintScheme.Normalize(secret);
        var fingerprint = FingerprintScheme.Hash(Salt, normalized);
        var stored = HMACSHA256.HashData(Pepper, fingerprint); // as LeakMonitorApi stores it
        uint? tag = withPrefilter ? new Prefilter(Salt).Compute(normalized) : null;
        return new IndexEntry(stored, normalized.Length, new FingerprintRef(label, label, "team-a"), tag);
    }

    public static FingerprintIndex BuildIndex(bool withPrefilter)
        => new(Salt, Pepper, All.Select(s => Entry(s.Label, s.Secret, withPrefilter)));

    public static List<Finding> Scan(string content, FingerprintIndex? index = null)
        => Scan(Encoding.UTF8.GetBytes(content), index);

    public static List<Finding> Scan(byte[] content, FingerprintIndex? index = null)
        => Scanner.Scan(new MemoryStream(content), index ?? TestIndex);

    public static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string B64Url(string s) => Base64Url.Encode(Encoding.UTF8.GetBytes(s));

    private static string MakeJwt()
    {
        var header = B64Url("""{"alg":"HS256","typ":"JWT"}""");
        var payload = B64Url("""{"sub":"svc-deploy","iss":"https://auth.example.com","exp":1893456000}""");
        var signature = Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }

    private static string MakePem()
    {
        // A fixed 1217-byte body that looks like PKCS#8 (a real RSA key would make the tests slow and random).
        var der = new byte[1217];
        for (var i = 0; i < der.Length; i++)
        {
            der[i] = (byte)(i * 131 + 7 * (i >> 3));
        }
        der[0] = 0x30;
        der[1] = 0x82;
        return "-----BEGIN PRIVATE KEY-----\n" + Wrap(Convert.ToBase64String(der), 64, "\n")
            + "-----END PRIVATE KEY-----\n";
    }

    public static string PemBody => Convert.ToBase64String(Convert.FromBase64String(
        string.Concat(PrivateKeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));

    /// <summary>A PEM block re-wrapped at another width and line ending, as leaks show them.</summary>
    public static string Rewrapped(int columns, string newline)
        => "-----BEGIN PRIVATE KEY-----" + newline + Wrap(PemBody, columns, newline) + "-----END PRIVATE KEY-----"
            + newline;

    private static string Wrap(string text, int columns, string newline)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i += columns)
        {
            sb.Append(text, i, Math.Min(columns, text.Length - i)).Append(newline);
        }
        return sb.ToString();
    }

    /// <summary>The labels found, in order, without duplicates.</summary>
    public static string[] Labels(this List<Finding> findings)
        => [.. findings.Select(f => f.Fingerprint.Label).Distinct()];

    public static Finding Single(this List<Finding> findings, string label)
        => Assert.Single(findings, f => f.Fingerprint.Label == label);
}
