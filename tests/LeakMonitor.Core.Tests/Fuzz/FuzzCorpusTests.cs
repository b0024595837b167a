using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Fuzz;

/// <summary>
/// The standing fuzz corpus (<c>Fuzz/corpus/</c>: truncated and lying gzip, zip and tar, nested archives and base64,
/// broken UTF-8/UTF-16, malformed HTML, feeds and JSON, plus every input a campaign found failing) and huge lines made
/// here rather than committed, each run through <see cref="FuzzTargets"/> with deterministic mutations.
/// <c>scripts/fuzz.sh</c> runs the same test as a longer campaign (LEAKMON_FUZZ_* below) and keeps what fails.
/// </summary>
public sealed class FuzzCorpusTests(ITestOutputHelper output)
{
    /// <summary>Mutants per corpus file in the standing run.</summary>
    private const int MutantsPerFile = 24;
    private const int StandingSeed = 20261204;

    /// <summary>
    /// Failures found and not yet fixed, each with its reproducer in the corpus. They are counted, not hidden: the
    /// test fails when one stops happening (remove its entry then), and any other failure fails it as usual.
    /// </summary>
    /// <summary>Failures seen and not fixed yet: counted, not failed; the test fails when one stops happening.</summary>
    private static readonly (string Failure, string Why)[] KnownFailures = [];

    [Fact]
    public void Corpus_files_long_lines_and_their_mutations_never_throw_hang_or_allocate_without_bound()
    {
        var corpus = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus"))
            .Order(StringComparer.Ordinal).Select(p => (Name: Path.GetFileName(p), Bytes: File.ReadAllBytes(p))).ToList();
        Assert.True(corpus.Count >= 30, $"the corpus has {corpus.Count} files");
        var campaign = Campaign.FromEnvironment();
        var failures = new List<string>();
        var known = KnownFailures.ToDictionary(k => k.Failure, _ => 0);
        var cases = 0;
        var clock = Stopwatch.StartNew();

        void Try(string name, byte[] input)
        {
            cases++;
            var unknown = new List<string>();
            foreach (var failure in FuzzTargets.Run(input))
            {
                if (known.Keys.FirstOrDefault(k => failure.StartsWith(k, StringComparison.Ordinal)) is { } knownFailure)
                {
                    known[knownFailure]++;
                }
                else
                {
                    unknown.Add(failure);
                }
            }
            if (unknown.Count > 0)
            {
                failures.Add($"{name}: {string.Join("; ", unknown)}{campaign.Keep(input)}");
            }
        }

        foreach (var (name, bytes) in corpus.Concat(HugeLines()))
        {
            Try(name, bytes);
        }
        var rng = new Random(campaign.Seed);
        for (var i = 0; (campaign.Seconds > 0 || i < campaign.Iterations) && (campaign.Seconds == 0 || clock.Elapsed.TotalSeconds < campaign.Seconds); i++)
        {
            var (name, bytes) = corpus[i % corpus.Count];
            var donor = corpus[rng.Next(corpus.Count)].Bytes;
            var seed = rng.Next();
            var mutant = Mutations.Mutate(bytes, donor, seed);
            // Now and then a mutant of a mutant: damage that builds on damage.
            for (var depth = rng.Next(4); depth > 0 && mutant.Length < (1 << 20); depth--)
            {
                mutant = Mutations.Mutate(mutant, donor, rng.Next());
            }
            Try($"{name} mutant #{i} (seed {seed})", mutant);
        }
        output.WriteLine($"fuzz: {cases} cases ({corpus.Count} corpus files, 5 long lines, {cases - corpus.Count - 5} mutants) × " +
            $"{FuzzTargets.Names.Length} targets, seed {campaign.Seed}, {clock.Elapsed.TotalSeconds:0.0} s, {failures.Count} failing, " +
            $"known and not fixed yet: {string.Join(", ", known.Select(k => $"{k.Value} × '{k.Key}'"))}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.All(known, k => Assert.True(k.Value > 0, $"'{k.Key}' no longer happens: remove it from KnownFailures"));
    }

    /// <summary>Lines of megabytes without a newline: made here, since they would bloat the repository.</summary>
    private static IEnumerable<(string, byte[])> HugeLines()
    {
        byte[] Repeat(string unit, int bytes) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(unit, bytes / unit.Length)));
        yield return ("huge line of one letter", Repeat("A", 4 << 20));
        yield return ("huge line of base64 alphabet", Repeat("QUJDREVGR0hJSktMTU5PUA", 2 << 20));
        yield return ("huge line of percent-escapes", Repeat("%41%2", 1 << 20));
        // AngleSharp's tree building is quadratic in nesting depth (unguarded, 1 MiB of open divs took 510 s here):
        // HtmlPages.LimitNesting reads start tags beyond its depth limit as text.
        yield return ("long line of nested divs", Repeat("<div>", 1 << 20));
        yield return ("huge line of one secret, repeated", Repeat(GitHubToken + ",", 2 << 20));
    }

    /// <summary>
    /// How long to fuzz: the standing run (fixed seed, <see cref="MutantsPerFile"/> mutants per file) unless
    /// LEAKMON_FUZZ_ITERATIONS or LEAKMON_FUZZ_SECONDS and LEAKMON_FUZZ_SEED say otherwise; failing inputs are
    /// written to LEAKMON_FUZZ_SAVE_DIR (the corpus folder, from scripts/fuzz.sh) when set.
    /// </summary>
    private sealed record Campaign(int Iterations, double Seconds, int Seed, string? SaveDirectory)
    {
        public static Campaign FromEnvironment()
        {
            static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
            var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus")).Length;
            return new Campaign(
                Env("LEAKMON_FUZZ_ITERATIONS") is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : files * MutantsPerFile,
                Env("LEAKMON_FUZZ_SECONDS") is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0,
                Env("LEAKMON_FUZZ_SEED") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : StandingSeed,
                Env("LEAKMON_FUZZ_SAVE_DIR"));
        }

        /// <summary>Writes a failing input into the corpus (named by its hash, so a rerun adds nothing twice).</summary>
        public string Keep(byte[] input)
        {
            if (SaveDirectory is null)
            {
                return "";
            }
            var path = Path.Combine(SaveDirectory, $"found-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}.bin");
            File.WriteAllBytes(path, input);
            return $" (kept as {path})";
        }
    }
}
