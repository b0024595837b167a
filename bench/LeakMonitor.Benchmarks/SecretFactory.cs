using System.Text;

namespace LeakMonitor.Benchmarks;

/// <summary>Deterministic, realistic-shaped (invented) secrets of the kinds registered in LeakMonitor.</summary>
internal sealed class SecretFactory(Random random)
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Punct = "!#$%&*+-.:;=?@^_~'\"";

    public static readonly string[] Kinds =
        ["aws-id", "aws-secret", "github", "slack", "stripe", "npm", "jwt", "azure", "password", "pem"];

    public (string Kind, string Secret) Next(int i)
    {
        // The mix of a typical registry: mostly tokens and keys, some passwords, a few private keys.
        var kind = (i % 1000) switch
        {
            < 120 => "aws-id",
            < 240 => "aws-secret",
            < 400 => "github",
            < 500 => "slack",
            < 580 => "stripe",
            < 660 => "npm",
            < 760 => "jwt",
            < 840 => "azure",
            < 998 => "password",
            _ => "pem",
        };
        return (kind, Make(kind));
    }

    public string Make(string kind) => kind switch
    {
        "aws-id" => "AKIA" + Chars(Upper, 16),
        "aws-secret" => Chars(Alnum + "/+", 40),
        "github" => "ghp_" + Chars(Alnum, 36),
        "slack" => $"xoxb-{Digits(13)}-{Digits(13)}-{Chars(Alnum, 24)}",
        "stripe" => "sk_live_" + Chars(Alnum, 24 + random.Next(0, 75)),
        "npm" => "npm_" + Chars(Alnum, 36),
        "jwt" => Jwt(),
        "azure" => Convert.ToBase64String(Bytes(64)),
        "password" => Password(),
        "pem" => Pem(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private string Password()
    {
        var length = random.Next(10, 21);
        var sb = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            sb.Append(i % 4 == 3 ? Punct[random.Next(Punct.Length)] : Alnum[random.Next(Alnum.Length)]);
        }
        return sb.ToString();
    }

    private string Jwt()
    {
        static string B64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
        var payload = B64Url(Encoding.UTF8.GetBytes(
            $$"""{"sub":"svc-{{Digits(6)}}","iat":{{1700000000 + random.Next(1000000)}},"scope":"{{Chars(Alnum, random.Next(4, 40))}}"}"""));
        return $"{header}.{payload}.{B64Url(Bytes(32))}";
    }

    private string Pem()
    {
        var body = Convert.ToBase64String(Bytes(1190 + random.Next(0, 40)));
        var sb = new StringBuilder("-----BEGIN PRIVATE KEY-----\n");
        for (var i = 0; i < body.Length; i += 64)
        {
            sb.Append(body, i, Math.Min(64, body.Length - i)).Append('\n');
        }
        return sb.Append("-----END PRIVATE KEY-----").ToString();
    }

    public string Chars(string alphabet, int count)
    {
        var c = new char[count];
        for (var i = 0; i < count; i++)
        {
            c[i] = alphabet[random.Next(alphabet.Length)];
        }
        return new string(c);
    }

    private string Digits(int count) => Chars("0123456789", count);

    private byte[] Bytes(int count)
    {
        var b = new byte[count];
        random.NextBytes(b);
        return b;
    }
}
