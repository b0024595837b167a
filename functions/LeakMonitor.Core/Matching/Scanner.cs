namespace LeakMonitor.Core.Matching;

/// <summary>
/// The one matching engine (queue matcher and <c>leakmon scan</c>). It streams content line by line (never loading
/// it whole), expands archives and compressed streams (gzip, zip, tar, UTF-16) and decodes encoded runs (base64, hex,
/// percent, JSON/backslash escapes, HTML entities, quoted-printable, doubled quotes, PEM blocks) recursively, then
/// reports every registered secret found. Candidates are byte windows of a registered length that start and end at a
/// token boundary and contain no whitespace.
/// </summary>
public static class Scanner
{
    /// <summary>Lines longer than this are scanned in slices that overlap by the longest registered secret.</summary>
    public const int MaxSliceBytes = 1 << 20;

    public static List<Finding> Scan(Stream input, FingerprintIndex index, CancellationToken ct = default)
        => Scan(input, index, ScanOptions.Default, ct).Findings;

    public static ScanReport Scan(Stream input, FingerprintIndex index, ScanOptions options, CancellationToken ct)
    {
        if (index.Count == 0)
        {
            return new ScanReport([], false, false, 0);
        }
        var session = new ScanSession(index, options, ct);
        try
        {
            session.ScanStream(input, chain: "", path: "", depth: 0, anchor: null);
        }
        finally
        {
            session.Dispose();
        }
        return new ScanReport(Deduplicate(session.Findings), session.BudgetExhausted, session.DepthLimitReached,
            session.UnreadableParts);
    }

    /// <summary>
    /// The same occurrence is often seen twice: plain, and again in a decoded copy of its line. Per registration and
    /// line, keep the findings reached through the fewest decoders.
    /// </summary>
    private static List<Finding> Deduplicate(List<Finding> findings)
    {
        if (findings.Count < 2)
        {
            return findings;
        }
        var best = new Dictionary<(FingerprintRef, string, long), int>();
        foreach (var f in findings)
        {
            var key = (f.Fingerprint, f.Path, f.Line);
            var depth = Depth(f.DecoderChain);
            best[key] = best.TryGetValue(key, out var d) ? Math.Min(d, depth) : depth;
        }
        var seen = new HashSet<(FingerprintRef, string, long, long, string)>();
        var result = new List<Finding>();
        foreach (var f in findings)
        {
            if (Depth(f.DecoderChain) == best[(f.Fingerprint, f.Path, f.Line)]
                && seen.Add((f.Fingerprint, f.Path, f.Line, f.Offset, f.DecoderChain)))
            {
                result.Add(f);
            }
        }
        return result;
    }

    private static int Depth(string chain) => chain == "plain" ? 0 : chain.Count(c => c == '>') + 1;

    internal static bool IsWord(byte b) => ByteClasses.IsWord(b);
}
