using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using LeakMonitor.Core.Matching;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>
/// Property-based hostile input: random bytes, and valid containers and encodings with random damage (flipped bytes,
/// cuts, repeated regions), never throw out of the scanner, never run past a deadline and never allocate without bound.
/// </summary>
public sealed class HostileInputPropertyTests
{
    private const int Cases = 2000;
    private static readonly ScanOptions Limits = new() { MaxExpandedBytes = 32L << 20, MaxBufferedArchiveBytes = 8 << 20 };

    /// <summary>Valid inputs of every kind the decoders understand, each carrying a registered secret.</summary>
    private static readonly byte[][] Seeds =
    [
        Encoding.UTF8.GetBytes($"GITHUB_TOKEN={GitHubToken}\n"),
        Gzip(Encoding.UTF8.GetBytes($"x\naws_secret_access_key = {AwsSecretKey}\n")),
        Zip(("a/b.env", Encoding.UTF8.GetBytes($"STRIPE={StripeKey}")), ("c.gz", Gzip(Encoding.UTF8.GetBytes(NpmToken)))),
        Gzip(Tar(("app/.npmrc", Encoding.UTF8.GetBytes($"//registry.npmjs.org/:_authToken={NpmToken}")))),
        Encoding.UTF8.GetBytes($"data: {B64($"{{\"token\": \"{SlackBotToken}\"}}")}\n"),
        Encoding.UTF8.GetBytes($"<p>key=&#x73;{StripeKey[1..]}&amp;x</p>\n"),
        Encoding.UTF8.GetBytes($"{{\"a\": \"{{\\\"k\\\": \\\"{GitHubToken}\\\"}}\"}}\n"),
        // Quoted-printable as mailers wrap it: a soft break at ~72 columns, inside the secret.
        Encoding.UTF8.GetBytes($"Content-Transfer-Encoding: quoted-printable\n\n{new string('-', 55)} password=3D{Password[..6]}=\n{Password[6..]} end\n"),
        Encoding.UTF8.GetBytes(Convert.ToHexString(Encoding.UTF8.GetBytes(AwsAccessKeyId)) + "\n"),
        [0xFF, 0xFE, .. Encoding.Unicode.GetBytes($"token={GitHubToken}\r\n")],
        Encoding.UTF8.GetBytes(PrivateKeyPem),
    ];

    [Fact]
    public void Random_bytes_never_throw_hang_or_allocate_without_bound()
        => Check(ArbMap.Default.GeneratorFor<byte[]>().Select(bytes => bytes));

    [Fact]
    public void Damaged_archives_and_encodings_never_throw_hang_or_allocate_without_bound()
    {
        var damaged = from seed in Gen.Elements(Seeds)
                      from rng in ArbMap.Default.GeneratorFor<int>()
                      select Damage(seed, rng);
        Check(damaged);
    }

    [Fact]
    public void Damage_leaves_some_secrets_findable_so_the_inputs_are_not_just_noise()
    {
        // Guard against a generator that only ever produces garbage: undamaged seeds must all be found.
        var missed = Seeds.Select((seed, i) => (i, Scanner.Scan(new MemoryStream(seed), TestIndex, Limits, default).Findings.Count))
            .Where(s => s.Count == 0).Select(s => s.i);
        Assert.Empty(missed);
    }

    private static void Check(Gen<byte[]> inputs)
    {
        var property = Prop.ForAll(inputs.ToArbitrary(), input =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var report = Scanner.Scan(new MemoryStream(input), TestIndex, Limits, deadline.Token);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Bounded by the expansion budget plus fixed buffers, whatever the input claims to hold.
            return report is not null && allocated < Limits.MaxExpandedBytes * 8 + (64L << 20);
        });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithEndSize(4096).WithQuietOnSuccess(true));
    }

    private static byte[] Damage(byte[] seed, int seedValue)
    {
        var rng = new Random(seedValue);
        var bytes = seed.ToList();
        for (var i = rng.Next(1, 6); i > 0 && bytes.Count > 0; i--)
        {
            var at = rng.Next(bytes.Count);
            switch (rng.Next(4))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;                      // flip a bit
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;                      // truncate
                case 2: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(64, bytes.Count - at))); break; // repeat
                default: bytes[at] = (byte)rng.Next(256); break;                             // overwrite
            }
        }
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] Zip(params (string Name, byte[] Data)[] members)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create))
        {
            foreach (var (name, data) in members)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(data);
            }
        }
        return output.ToArray();
    }

    private static byte[] Tar(params (string Name, byte[] Data)[] members)
    {
        using var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in members)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }
        return output.ToArray();
    }
}
