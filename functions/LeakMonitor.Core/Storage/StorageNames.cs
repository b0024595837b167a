using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Storage;

/// <summary>Table and blob container names, with the optional deployment prefix.</summary>
public sealed class StorageNames(IOptions<StorageOptions> options)
{
    private readonly string prefix = options.Value.Prefix;

    public string FingerprintsTable => prefix + "fingerprints";
    public string SourcesTable => prefix + "sources";
    public string IncidentsTable => prefix + "incidents";
    /// <summary>Per-source crawl state: seen items and content hashes already enqueued.</summary>
    public string CrawlStateTable => prefix + "crawlstate";
    public string DocumentsContainer => prefix.Length == 0 ? "documents" : prefix + "-documents";
}
