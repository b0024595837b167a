using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LeakMonitor.Core.Response;

/// <summary>
/// Webhook signatures: <c>X-LeakMonitor-Signature: v1=hex(HMAC-SHA256(teamKey, timestamp + "." + rawBody))</c> with
/// <c>X-LeakMonitor-Timestamp</c> in Unix seconds. Each team's key is derived from the root signing key, so no
/// per-team secret is stored; a team fetches its key from <c>GET /api/webhook-key</c>.
/// </summary>
public sealed class WebhookSigner(byte[] rootKey)
{
    public const string SignatureHeader = "X-LeakMonitor-Signature";
    public const string TimestampHeader = "X-LeakMonitor-Timestamp";
    public const string DeliveryHeader = "X-LeakMonitor-Delivery";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Public development key: signatures made with it prove nothing.</summary>
    public static readonly byte[] DevelopmentKey = SHA256.HashData("leakmonitor development webhook key"u8);

    public byte[] KeyFor(string team) => HMACSHA256.HashData(rootKey, Encoding.UTF8.GetBytes("leakmon-webhook-v1:" + team));

    public static string Sign(byte[] key, long timestamp, ReadOnlySpan<byte> body)
        => "v1=" + Convert.ToHexStringLower(Mac(key, timestamp, body));

    /// <summary>What a receiver does: recompute, compare in constant time, refuse stale timestamps (replays).</summary>
    public static bool Verify(byte[] key, string? signature, string? timestamp, ReadOnlySpan<byte> body,
        DateTimeOffset now)
    {
        if (signature is null || !signature.StartsWith("v1=", StringComparison.Ordinal)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
        {
            return false;
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(ts);
        if (age > Tolerance || age < -Tolerance)
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(3));
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, Mac(key, ts, body));
    }

    private static byte[] Mac(byte[] key, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, data);
    }
}
