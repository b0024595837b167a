using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// What crawlers have already done: items seen per source, and documents (by content hash) already handed to the
/// matcher from any source, so a re-post is matched once.
/// </summary>
public sealed class CrawlState(StorageClients clients, TimeProvider time)
{
    private const string DocumentsPartition = "~documents";

    public Task<bool> IsItemSeenAsync(string sourceId, string itemId, CancellationToken ct)
        => ExistsAsync(sourceId, ItemKey(itemId), ct);

    public Task MarkItemSeenAsync(string sourceId, string itemId, CancellationToken ct)
        => MarkAsync(sourceId, ItemKey(itemId), ct);

    public Task<bool> IsDocumentEnqueuedAsync(string documentId, CancellationToken ct)
        => ExistsAsync(DocumentsPartition, documentId, ct);

    public Task MarkDocumentEnqueuedAsync(string documentId, CancellationToken ct)
        => MarkAsync(DocumentsPartition, documentId, ct);

    private async Task<bool> ExistsAsync(string partition, string row, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.CrawlStateTable).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, ["PartitionKey"], ct)
            .ConfigureAwait(false);
        return found.HasValue;
    }

    private async Task MarkAsync(string partition, string row, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.CrawlStateTable).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(partition, row) { ["At"] = time.GetUtcNow() },
            TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    // Item ids are arbitrary text (URLs, guids): hash them into a valid row key.
    private static string ItemKey(string itemId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(itemId)));
}
