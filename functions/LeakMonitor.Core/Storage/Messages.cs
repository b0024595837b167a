namespace LeakMonitor.Core.Storage;

// Queue messages: small JSON, property names as declared (both hosts' binders read them case-insensitively).
// They carry ids and locations, never content or secrets; documents travel as a claim check (a blob).

/// <summary>One due source to crawl; enqueued by the scheduler.</summary>
public sealed record CrawlJob(string Team, string SourceId, DateTimeOffset ScheduledAt);

/// <summary>A stored document to match: the blob name is the claim check.</summary>
public sealed record DocumentMessage(string DocumentId, string BlobName, string SourceId, string Url, long Length);

/// <summary>
/// A registered secret seen in a document. Line and offset locate it in the blob; no text is carried.
/// <paramref name="DocumentHits"/> is how many of the same team's secrets the document holds (0 = not counted): the
/// hit handler sends one digest per channel instead of one alert per secret when a document floods a team.
/// </summary>
public sealed record HitMessage(
    string Team, string FingerprintId, string DocumentId, string SourceId, string Url, long Line, long Offset,
    string DecoderChain, DateTimeOffset SeenAt, int DocumentHits = 0);
