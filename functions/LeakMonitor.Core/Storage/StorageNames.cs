using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Storage;

/// <summary>Table and blob container names, with the optional deployment prefix.</summary>
public sealed class StorageNames(IOptions<StorageOptions> options)
{
    private readonly string prefix = options.Value.Prefix;

    public string FingerprintsTable => prefix + "fingerprints";
    public string SourcesTable => prefix + "sources";
    public string IncidentsTable => prefix + "incidents";
    /// <summary>Documents each secret was seen in (occurrences of incidents).</summary>
    public string OccurrencesTable => prefix + "occurrences";
    /// <summary>Per-secret incident generation: resolving an incident lets the next leak open a new one.</summary>
    public string SecretIncidentsTable => prefix + "secretincidents";
    /// <summary>Digest alerts claimed per (team, document, channel) when one document floods a team.</summary>
    public string DigestsTable => prefix + "alertdigests";
    /// <summary>Per-source crawl state: seen items and content hashes already enqueued.</summary>
    public string CrawlStateTable => prefix + "crawlstate";
    public string DocumentsContainer => prefix.Length == 0 ? "documents" : prefix + "-documents";
}
