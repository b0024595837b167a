using System.Diagnostics;
using System.Text.Json;
using System.Xml;
using LeakMonitor.Core.Crawling;
using LeakMonitor.Core.Matching;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Fuzz;

/// <summary>
/// Everything in Core that reads bytes from the internet, run on one input: the scanner, HTML reader text and
/// listings, feeds, URL lists, JSON listings and the dump reader. Each may fail only the way its caller handles
/// (the crawler turns an XmlException, a JsonException or a broken archive into the source's <c>lastError</c>),
/// must finish within a deadline and must not allocate without bound — the limits the property tests use.
/// </summary>
internal static class FuzzTargets
{
    public static readonly ScanOptions Limits = new() { MaxExpandedBytes = 32L << 20, MaxBufferedArchiveBytes = 8 << 20 };
    /// <summary>Per target and input; generous for a shared 2-core CI machine, far below "hangs".</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private const long MaxDumpBytes = 16L << 20;
    private const long AllocationSlack = 64L << 20;
    private static readonly Uri Page = new("https://pastes.example/archive");
    private static readonly HtmlConfig Listing = new() { Links = "table.list a.paste", Next = "a.next", MaxPages = 3 };
    private static readonly JsonApiConfig Json = new() { Items = "", Id = "key", Url = "scrape_url" };
    private static readonly JsonApiConfig Gists = new() { Items = "", Id = "id", Url = "files.*.raw_url" };

    /// <summary>Names of the targets, in the order <see cref="Run"/> runs them.</summary>
    public static readonly string[] Names = ["scanner", "html-text", "html-listing", "feed", "url-list", "json-listing", "dump"];

    /// <summary>Runs every target on <paramref name="input"/>; returns what went wrong, one line per failing target.</summary>
    public static List<string> Run(byte[] input)
    {
        var failures = new List<string>();
        foreach (var name in Names)
        {
            var clock = Stopwatch.StartNew();
            var before = GC.GetAllocatedBytesForCurrentThread();
            string? failure;
            try
            {
                failure = RunOne(name, input);
            }
            catch (Exception e)
            {
                var thrown = e is AggregateException { InnerException: { } inner } ? inner : e;
                failure = $"threw {thrown.GetType().Name}: {thrown.Message}";
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (failure is null && clock.Elapsed > Deadline)
            {
                failure = $"took {clock.Elapsed.TotalSeconds:0.0} s";
            }
            // The scan budget bounds the scanner; the other readers are bounded by their input (64 KiB..4 MiB here).
            if (failure is null && allocated > Limits.MaxExpandedBytes * 8 + AllocationSlack + (long)input.Length * 64)
            {
                failure = $"allocated {allocated >> 20} MiB";
            }
            if (failure is not null)
            {
                failures.Add($"{name}: {failure}");
            }
        }
        return failures;
    }

    private static string? RunOne(string name, byte[] input)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        switch (name)
        {
            case "scanner":
                return Scanner.Scan(new MemoryStream(input), TestIndex, Limits, deadline.Token) is null ? "no report" : null;
            case "html-text":
                _ = HtmlPages.ExtractText(input, null, null);
                _ = HtmlPages.ExtractText(input, "utf-8", "pre, code");
                return null;
            case "html-listing":
                return HtmlPages.ParseListing(input, null, Page, Listing).Items is null ? "no items" : null;
            case "feed":
                try
                {
                    return ListingParser.ParseFeed(input, Page) is null ? "no items" : null;
                }
                catch (XmlException)
                {
                    return null; // the source's lastError
                }
            case "url-list":
                return ListingParser.ParseUrlList(input, Page) is null ? "no items" : null;
            case "json-listing":
                try
                {
                    _ = JsonListing.Parse(input, Page, Json);
                    return JsonListing.Parse(input, Page, Gists) is null ? "no items" : null;
                }
                catch (JsonException)
                {
                    return null; // the source's lastError
                }
            default:
                return Dump(input, deadline.Token);
        }
    }

    private static string? Dump(byte[] input, CancellationToken ct)
    {
        var reader = new DumpReader(new Chunker(chunkBytes: 64 << 10, overlapBytes: 1 << 10), maxMembers: 100);
        long chunked = 0;
        // On the thread pool (a zip is spooled to a temporary file): a hang shows as a missed deadline, not a stuck test.
        var reading = Task.Run(() => reader.ReadAsync(new MemoryStream(input), "auto", MaxDumpBytes,
            (_, chunk, _) => { Interlocked.Add(ref chunked, chunk.Length); return Task.CompletedTask; }, ct), ct);
        DumpOutcome outcome;
        try
        {
            if (!reading.Wait(Deadline + TimeSpan.FromSeconds(5), CancellationToken.None))
            {
                return "still reading past the deadline";
            }
            outcome = reading.Result;
        }
        catch (AggregateException e) when (e.InnerException is IOException or InvalidDataException or FormatException)
        {
            return null; // what CrawlSourceHandler reports as a broken dump
        }
        // The cap counts decompressed bytes whatever an archive claims; chunks overlap by at most 1 KiB each.
        return outcome.Bytes > MaxDumpBytes || chunked > MaxDumpBytes + (MaxDumpBytes / (63 << 10) + outcome.Members + 1) * (1 << 10)
            ? $"read {outcome.Bytes} bytes, chunked {chunked}, past the {MaxDumpBytes}-byte cap"
            : outcome.Members > 100 ? $"{outcome.Members} members, past the cap of 100" : null;
    }
}
