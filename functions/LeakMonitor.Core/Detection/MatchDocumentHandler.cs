using LeakMonitor.Core.Matching;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Detection;

/// <summary>
/// The <c>MatchDocument</c> stage: reads a stored document, scans it against the registry and enqueues one hit per
/// registered secret found. Redelivery re-enqueues the same hits; the hit handler makes them count once.
/// </summary>
public sealed class MatchDocumentHandler(
    DocumentStore documents, RegistryIndex registry, MessageQueue queue, IOptions<QueueOptions> queues,
    TimeProvider time, ILogger<MatchDocumentHandler> logger)
{
    public async Task HandleAsync(DocumentMessage message, CancellationToken ct)
    {
        var index = await registry.GetAsync(ct).ConfigureAwait(false);
        List<Finding> findings;
        await using (var content = await documents.OpenReadAsync(message.BlobName, ct).ConfigureAwait(false))
        {
            findings = Scanner.Scan(content, index, ct);
        }
        // One hit per registered secret per document: the first place it appears.
        var hits = findings.GroupBy(f => f.Fingerprint).Select(g => g.MinBy(f => f.Offset)!).ToList();
        // Each hit carries how many of its team's secrets this document holds, so a flood becomes one digest.
        var perTeam = hits.CountBy(f => f.Fingerprint.Team).ToDictionary();
        foreach (var f in hits)
        {
            var hit = new HitMessage(f.Fingerprint.Team, f.Fingerprint.Id, message.DocumentId, message.SourceId,
                message.Url, f.Line, f.Offset, f.DecoderChain, time.GetUtcNow(), perTeam[f.Fingerprint.Team]);
            await queue.SendAsync(queues.Value.Hits, hit, ct).ConfigureAwait(false);
        }
        DetectionLog.DocumentMatched(logger, message.DocumentId, message.Length, index.Count, hits.Count);
    }
}
