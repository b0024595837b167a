using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Matching;

namespace LeakMonitor.Benchmarks;

/// <summary>
/// The matcher's hot paths: the prefilter lookup, the full HMAC check, and scanning text that is plain, base64-heavy
/// or full of escapes, against 1 000 and 1 000 000 fingerprints (cost per candidate must not grow with the count).
/// </summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private static readonly byte[] Salt = FingerprintScheme.DevelopmentSalt;
    private FingerprintIndex index = FingerprintIndex.Empty;
    private byte[] prose = [];
    private byte[] encoded = [];
    private uint[] tags = [];
    private byte[] candidate = [];

    [Params(1_000, 1_000_000)]
    public int Fingerprints { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var factory = new SecretFactory(random);
        var prefilter = new Prefilter(Salt);
        var entries = new List<IndexEntry>(Fingerprints);
        for (var i = 0; i < Fingerprints; i++)
        {
            var secret = Encoding.UTF8.GetBytes(factory.Next(i).Secret);
            entries.Add(new IndexEntry(HMACSHA256.HashData(Salt, secret), secret.Length,
                new FingerprintRef($"s{i}", $"s{i}"), prefilter.Compute(secret)));
        }
        index = new FingerprintIndex(Salt, null, entries);
        tags = [.. Enumerable.Range(0, 4096).Select(_ => (uint)random.Next())];
        candidate = Encoding.UTF8.GetBytes(factory.Make("github"));

        var words = "the server request user error config deploy token service data cluster node cache queue".Split(' ');
        var sb = new StringBuilder();
        while (sb.Length < 4 << 20)
        {
            sb.Append($"2024-05-01T10:22:03Z INFO [{words[random.Next(words.Length)]}] GET /api/v1/items/{random.Next(99999)} status=200 ip=10.0.{random.Next(255)}.{random.Next(255)}\n");
            for (var w = 0; w < 14; w++)
            {
                sb.Append(words[random.Next(words.Length)]).Append(w == 13 ? ".\n" : " ");
            }
        }
        prose = Encoding.UTF8.GetBytes(sb.ToString());
        sb.Clear();
        while (sb.Length < 1 << 20)
        {
            sb.Append(factory.Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 76)).Append('\n');
            sb.Append($$"""{"id":{{random.Next()}},"url":"https:\/\/example.com\/a\/b","name":"caf\u00e9 {{words[random.Next(words.Length)]}}"}""").Append('\n');
        }
        encoded = Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>4 096 prefilter probes (bitmap, then the open-addressing table on a bitmap hit).</summary>
    [Benchmark(OperationsPerInvoke = 4096)]
    public int PrefilterLookup()
    {
        var hits = 0;
        foreach (var t in tags)
        {
            hits += index.MayHaveTag(t) ? 1 : 0;
        }
        return hits;
    }

    /// <summary>The full check a prefilter hit pays: HMAC-SHA256 and a binary search.</summary>
    [Benchmark]
    public bool HmacCheck() => index.TryMatch(candidate, out _);

    /// <summary>4 MB of log lines and prose.</summary>
    [Benchmark]
    public int ScanPlainText() => Scanner.Scan(new MemoryStream(prose), index).Count;

    /// <summary>1 MB of base64 lines and JSON with escapes: the decoders' path.</summary>
    [Benchmark]
    public int ScanEncodedText() => Scanner.Scan(new MemoryStream(encoded), index).Count;
}
