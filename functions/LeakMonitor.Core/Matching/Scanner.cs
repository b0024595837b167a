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

    /// <summary>Files smaller than this are scanned on one thread; larger plain-text files are cut into parts.</summary>
    internal const long MinPartBytes = 8 << 20;

    /// <summary>
    /// Scans a file. A large plain-text file is cut at safe line ends (<see cref="FileParts"/>) and its parts are
    /// scanned on up to <paramref name="parallelism"/> threads; findings carry the same lines and offsets as a
    /// single pass would give. Containers (gzip, zip, tar, UTF-16) are expanded on one thread.
    /// </summary>
    public static ScanReport ScanFile(string path, FingerprintIndex index, ScanOptions options, int parallelism,
        CancellationToken ct)
        => ScanFile(path, index, options, parallelism, MinPartBytes, ct);

    internal static ScanReport ScanFile(string path, FingerprintIndex index, ScanOptions options, int parallelism,
        long minPartBytes, CancellationToken ct)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (!stream.CanSeek) // a pipe or a device (`leakmon scan <(zcat dump.gz)`): one pass, as it comes
        {
            return Scan(stream, index, options, ct);
        }
        var length = stream.Length;
        var count = (int)Math.Min(parallelism * 4L, length / minPartBytes);
        if (index.Count == 0 || parallelism < 2 || count < 2 || !IsText(stream))
        {
            return Scan(stream, index, options, ct);
        }
        var starts = FileParts.Cut(stream.SafeFileHandle, length, count);
        var parts = new (List<Finding> Findings, long Lines, ScanSession Session)[starts.Count];
        var budget = options with { MaxExpandedBytes = options.MaxExpandedBytes / starts.Count };
        Parallel.For(0, starts.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            k =>
            {
                var end = k + 1 < starts.Count ? starts[k + 1] : length;
                using var session = new ScanSession(index, budget, ct);
                var lines = session.ScanTextPart(new FilePartStream(stream.SafeFileHandle, starts[k], end));
                parts[k] = (session.Findings, lines, session);
            });
        var findings = new List<Finding>();
        long linesBefore = 0;
        for (var k = 0; k < parts.Length; k++)
        {
            foreach (var f in parts[k].Findings)
            {
                findings.Add(f with { Line = f.Line + linesBefore, Offset = f.Offset + starts[k] });
            }
            linesBefore += parts[k].Lines;
        }
        return new ScanReport(Deduplicate(findings), parts.Any(p => p.Session.BudgetExhausted),
            parts.Any(p => p.Session.DepthLimitReached), parts.Sum(p => p.Session.UnreadableParts));
    }

    private static bool IsText(FileStream stream)
    {
        Span<byte> head = stackalloc byte[ScanSession.SniffBytes];
        var got = RandomAccess.Read(stream.SafeFileHandle, head, 0);
        return ScanSession.Sniff(head[..got], out _) == ScanSession.Container.Text;
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
