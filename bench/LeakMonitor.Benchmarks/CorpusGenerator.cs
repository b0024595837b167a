using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace LeakMonitor.Benchmarks;

/// <summary>
/// <c>--generate DIR [--secrets N] [--mb M] [--seed S]</c>: a paste-like corpus with secrets planted in every context
/// the matcher supports, the registry input for <c>leakmon fingerprint</c>, the plaintext patterns for ripgrep, and
/// the answer key (<c>planted.tsv</c>) the evaluator checks recall and false positives against.
/// </summary>
internal sealed class CorpusGenerator
{
    private static readonly string[] Words = ("the of and to in is for on that by this with from are at as be or an was " +
        "server request user error config deploy build release token service data cluster node pod cache queue " +
        "timeout retry connection database backup report invoice customer order payment status update delete create " +
        "list item value key name password login session account region storage bucket file path version module " +
        "function class method return public private static async await import export default module package").Split(' ');

    private readonly Random random;
    private readonly SecretFactory factory;
    private readonly Dictionary<string, Queue<(string Label, string Secret)>> pools = [];
    private readonly StreamWriter corpus;
    private readonly StreamWriter planted;
    private long line = 1;

    private CorpusGenerator(int seed, StreamWriter corpus, StreamWriter planted)
    {
        random = new Random(seed);
        factory = new SecretFactory(random);
        this.corpus = corpus;
        this.planted = planted;
    }

    /// <summary>Context name, the secret kinds it suits, and how it writes a secret (returns the anchor line).</summary>
    private (string Name, string[] Kinds, Action<string> Write)[] Contexts()
    {
        string[] tokens = ["aws-id", "aws-secret", "github", "slack", "stripe", "npm", "jwt", "azure", "password"];
        string[] passwords = ["password"];
        return
        [
            ("plain", tokens, s => Line($"note: the credential is {s} - please rotate")),
            ("env", tokens, s => Line($"export API_TOKEN=\"{s.Replace("\"", "\\\"")}\"")),
            ("json", tokens, s => Line($$"""{"service":"api","credential":{{JsonEscapeAll(s)}},"enabled":true}""")),
            ("json-in-json", tokens, s => Line(JsonSerializer.Serialize(new { payload = JsonSerializer.Serialize(new { secret = s }) }))),
            ("yaml-single-quoted", passwords, s => Line($"  password: '{s.Replace("'", "''")}'")),
            ("url-userinfo", passwords, s => Line($"DATABASE_URL=postgres://app:{Uri.EscapeDataString(s)}@db.internal:5432/prod")),
            ("url-query-2x", tokens, s => Line($"GET /cb?state=x&token={Uri.EscapeDataString(Uri.EscapeDataString(s))}&next=%2F HTTP/1.1")),
            ("basic-auth", passwords, s => Line($"Authorization: Basic {B64("deploy:" + s)}")),
            ("bearer", ["jwt"], s => Line($"Authorization: Bearer {s}")),
            ("k8s-secret", tokens, s =>
            {
                Line("apiVersion: v1");
                Line("kind: Secret");
                Line("data:");
                Line($"  token: {B64(s)}");
            }),
            ("docker-auth", tokens, s => Line("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + B64("ci:" + s) + "\"}}}")),
            ("base64-config", tokens, s => Line($"config_b64: {B64($"[default]\nregion = eu-west-1\nsecret = {s}\noutput = json\n")}")),
            ("base64-wrapped", tokens, s =>
            {
                Line("Content-Transfer-Encoding: base64");
                var encoded = B64($"# exported settings\nregion=eu-west-1\napi_secret={s}\nretries=3\n");
                Lines(string.Join("\n", encoded.Chunk(76).Select(c => new string(c))));
            }),
            ("html-entities", passwords, s => Line($"<tr><td>admin</td><td>{HtmlEncode(s)}</td></tr>")),
            ("combo", passwords, s => Line($"{Word()}.{Word()}{random.Next(100)}@example.com:{s}")),
            ("csv", passwords, s => Line($"{random.Next(100000)},{Word()},\"{s.Replace("\"", "\"\"")}\",2021-03-04")),
            ("sql", passwords, s => Line($"INSERT INTO `users` VALUES ({random.Next(100000)},'{Word()}','{s.Replace("'", "''")}');")),
            ("source", tokens, s => Line($"    private static final String API_KEY = \"{s.Replace("\\", "\\\\").Replace("\"", "\\\"")}\";")),
            ("log", tokens, s => Line($"2024-05-01T10:22:03.114Z INFO [worker-{random.Next(9)}] auth ok token={s} status=200")),
            ("connstring", ["password", "azure"], s => Line(s.Length == 88
                ? $"DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey={s};EndpointSuffix=core.windows.net"
                : $"Server=tcp:sql.example.com,1433;User ID=app;Password={s};Encrypt=True")),
            ("qp-softbreak", tokens, WriteQuotedPrintable),
            ("hex", tokens, s => Line($"dump={Convert.ToHexString(Encoding.UTF8.GetBytes(s)).ToLowerInvariant()}")),
            ("pem-64", ["pem"], s => Lines(s)),
            ("pem-76-crlf", ["pem"], s => Lines(Rewrap(s, 76).Replace("\n", "\r\n"))),
            ("pem-json", ["pem"], s => Line(JsonSerializer.Serialize(new { type = "service_account", private_key = s + "\n" }))),
        ];
    }

    public static int Run(string[] args)
    {
        var dir = Directory.CreateDirectory(Arg(args, "--generate", "bench-data"));
        var secretCount = int.Parse(Arg(args, "--secrets", "100000"));
        var megabytes = int.Parse(Arg(args, "--mb", "100"));
        var perContext = int.Parse(Arg(args, "--per-context", "100"));
        var seed = int.Parse(Arg(args, "--seed", "20261204"));

        using var corpus = new StreamWriter(Path.Combine(dir.FullName, "corpus.txt"), false, new UTF8Encoding(false), 1 << 20);
        using var planted = new StreamWriter(Path.Combine(dir.FullName, "planted.tsv"));
        var generator = new CorpusGenerator(seed, corpus, planted);
        generator.WriteSecrets(dir, secretCount);
        generator.WriteCorpus(megabytes * 1_000_000L, perContext);
        generator.WriteContainers(Directory.CreateDirectory(Path.Combine(dir.FullName, "containers")), perContext / 4);
        Console.Error.WriteLine($"generated {dir.FullName}: {secretCount} secrets, {megabytes} MB corpus");
        return 0;
    }

    private void WriteSecrets(DirectoryInfo dir, int count)
    {
        using var registry = new StreamWriter(Path.Combine(dir.FullName, "secrets.jsonl"));
        using var patterns = new StreamWriter(Path.Combine(dir.FullName, "secrets.txt"));
        for (var i = 0; i < count; i++)
        {
            var (kind, secret) = factory.Next(i);
            var label = $"s{i:D7}-{kind}";
            registry.WriteLine(JsonSerializer.Serialize(new { label, secret }));
            if (kind != "pem")
            {
                patterns.WriteLine(secret);
            }
            if (!pools.TryGetValue(kind, out var pool))
            {
                pools[kind] = pool = new Queue<(string, string)>();
            }
            pool.Enqueue((label, secret));
        }
    }

    private void WriteCorpus(long bytes, int perContext)
    {
        var contexts = Contexts();
        var plants = new List<(string Name, string[] Kinds, Action<string> Write)>();
        foreach (var c in contexts)
        {
            var n = c.Kinds.SequenceEqual(["pem"]) ? perContext / 2 : perContext;
            for (var i = 0; i < n; i++)
            {
                plants.Add(c);
            }
        }
        var nearMisses = perContext * 2;
        var events = plants.Count + nearMisses;
        var fillerPerEvent = bytes / events;
        var order = Enumerable.Range(0, events).OrderBy(_ => random.Next()).ToArray();
        long written = 0;
        foreach (var e in order)
        {
            var target = written + fillerPerEvent;
            while (written < target)
            {
                written += Filler();
            }
            if (e < plants.Count)
            {
                var (name, kinds, write) = plants[e];
                var (label, secret) = Take(kinds);
                var anchor = line + name switch { "k8s-secret" => 3, "base64-wrapped" => 1, _ => 0 };
                write(secret);
                planted.WriteLine($"{label}\t{name}\t{anchor}\tplant");
            }
            else
            {
                var (label, secret) = Take(["github", "aws-secret", "password", "slack", "azure"]);
                var chars = secret.ToCharArray();
                var k = random.Next(4, chars.Length);
                chars[k] = chars[k] == 'Q' ? 'R' : 'Q';
                planted.WriteLine($"{label}\tnear-miss\t{line}\tnear-miss");
                Line($"rotated: the old credential was {new string(chars)} (revoked)");
            }
        }
    }

    /// <summary>Whole-file contexts, in separate files: gzip, zip, tar.gz, nested, UTF-16 LE/BE.</summary>
    private void WriteContainers(DirectoryInfo dir, int perKind)
    {
        using var key = new StreamWriter(Path.Combine(dir.Parent!.FullName, "planted-containers.tsv"));
        string[] tokens = ["aws-secret", "github", "slack", "stripe", "npm", "azure", "password"];
        for (var i = 0; i < perKind; i++)
        {
            foreach (var kind in new[] { "gzip", "zip", "tar.gz", "zip-in-tar.gz", "utf16le", "utf16be" })
            {
                var (label, secret) = Take(tokens);
                var text = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 200).Select(_ => Prose()))
                    + $"\nAPI_KEY={secret}\n" + Prose() + "\n");
                var name = $"{kind}-{i:D4}";
                byte[] bytes = kind switch
                {
                    "gzip" => Gzip(text),
                    "zip" => Zip("app/settings.env", text),
                    "tar.gz" => Gzip(Tar("etc/app.env", text)),
                    "zip-in-tar.gz" => Gzip(Tar("backup/bundle.zip", Zip("conf/app.env", text))),
                    "utf16le" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(text))],
                    _ => Encoding.BigEndianUnicode.GetBytes(Encoding.UTF8.GetString(text)),
                };
                File.WriteAllBytes(Path.Combine(dir.FullName, name), bytes);
                key.WriteLine($"{label}\t{kind}\t{name}\tplant");
            }
        }
    }

    private (string Label, string Secret) Take(string[] kinds)
    {
        var kind = kinds[random.Next(kinds.Length)];
        return pools[kind].Dequeue();
    }

    private long Filler()
    {
        var s = random.Next(100) switch
        {
            < 35 => Prose(),
            < 55 => $"2024-05-{random.Next(1, 29):D2}T{random.Next(24):D2}:{random.Next(60):D2}:{random.Next(60):D2}.{random.Next(1000):D3}Z INFO [{Word()}-{random.Next(20)}] GET /api/v1/{Word()}/{random.Next(100000)} status={200 + random.Next(3) * 100} dur={random.Next(900)}ms ip=10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} req={factory.Chars("0123456789abcdef", 16)}",
            < 68 => $"    if ({Word()}.{Word()}() && {Word()}Count > {random.Next(100)}) {{ return fetch{Word()}({Word()}Id, \"{Word()}\"); }}",
            < 78 => $$"""{"id":{{random.Next(1000000)}},"name":"{{Word()}} {{Word()}}","tags":["{{Word()}}","{{Word()}}"],"url":"https:\/\/example.com\/{{Word()}}\/{{random.Next(1000)}}","ok":true}""",
            < 84 => $"{random.Next(100000)},{Word()},{Word()}.{Word()}@example.com,2020-0{random.Next(1, 10)}-1{random.Next(10)},\"{Word()}, {Word()}\"",
            < 89 => factory.Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 76),
            < 94 => $"https://www.example.com/search?q={Word()}+{Word()}&page={random.Next(9)}&ref={Word()}%20{Word()}",
            < 97 => $"<div class=\"{Word()}\"><a href=\"/{Word()}?a=1&amp;b={random.Next(9)}\">{Word()} &amp; {Word()}</a></div>",
            _ => $"sha256:{factory.Chars("0123456789abcdef", 64)}  {Word()}.tar.gz",
        };
        Line(s);
        return s.Length + 1;
    }

    private string Prose()
    {
        var n = random.Next(8, 20);
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            sb.Append(i == 0 ? "" : " ").Append(Word());
        }
        return sb.Append('.').ToString();
    }

    private string Word() => Words[random.Next(Words.Length)];

    private void Line(string s)
    {
        corpus.Write(s);
        corpus.Write('\n');
        line++;
    }

    private void Lines(string s)
    {
        foreach (var l in s.Split('\n'))
        {
            Line(l);
        }
    }

    private void WriteQuotedPrintable(string secret)
    {
        // A mail body wrapped at 76 columns with '=' soft breaks, the secret straddling one of them.
        var prefix = Word();
        while (prefix.Length < 60)
        {
            prefix += " " + Word();
        }
        prefix = prefix[..60] + " key: ";
        var body = prefix + secret.Replace("=", "=3D") + " " + Prose();
        const int cut = 75;
        Line(body[..cut] + "=");
        var rest = body[cut..];
        while (rest.Length > 75)
        {
            Line(rest[..75] + "=");
            rest = rest[75..];
        }
        Line(rest);
    }

    private static string JsonEscapeAll(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '/' => "\\/",
                _ when char.IsAsciiLetterOrDigit(c) => c.ToString(),
                _ => $"\\u{(int)c:x4}",
            });
        }
        return sb.Append('"').ToString();
    }

    private static string HtmlEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '"' => "&quot;",
                _ when char.IsAsciiLetterOrDigit(c) => c.ToString(),
                _ => $"&#{(int)c};",
            });
        }
        return sb.ToString();
    }

    private static string Rewrap(string pem, int columns)
    {
        var lines = pem.Split('\n');
        var body = string.Concat(lines[1..^1]);
        var sb = new StringBuilder(lines[0]).Append('\n');
        for (var i = 0; i < body.Length; i += columns)
        {
            sb.Append(body, i, Math.Min(columns, body.Length - i)).Append('\n');
        }
        return sb.Append(lines[^1]).ToString();
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] Zip(string name, byte[] data)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            s.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] Tar(string name, byte[] data)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
        return output.ToArray();
    }

    internal static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
