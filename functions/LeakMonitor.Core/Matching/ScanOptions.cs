namespace LeakMonitor.Core.Matching;

/// <summary>Limits that keep a hostile document (a zip bomb, nested encodings) from exhausting the matcher.</summary>
public sealed record ScanOptions
{
    public static ScanOptions Default { get; } = new();

    /// <summary>How many decoders may be stacked (e.g. <c>base64&gt;gzip&gt;tar&gt;json</c> is 4).</summary>
    public int MaxDepth { get; init; } = 8;

    /// <summary>Bytes that decompression and decoding may produce per scanned input, in total.</summary>
    public long MaxExpandedBytes { get; init; } = 1L << 30;

    /// <summary>A zip read from a non-seekable stream is buffered in memory up to this size; larger ones are skipped.</summary>
    public int MaxBufferedArchiveBytes { get; init; } = 256 << 20;
}

/// <summary>The findings of one scan and whether a limit cut it short.</summary>
public sealed record ScanReport(List<Finding> Findings, bool BudgetExhausted, bool DepthLimitReached, int UnreadableParts);
