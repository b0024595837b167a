using Azure;
using Azure.Data.Tables;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.Core.Registry;

/// <summary>Fingerprints and sources in Table storage, always scoped by team.</summary>
public sealed class RegistryStore(StorageClients clients, TimeProvider time)
{
    // A row bumped on every fingerprint change, so matchers refresh their index only when something changed.
    private const string MetaPartition = "~meta";
    private const string VersionRow = "version";

    public async Task AddFingerprintAsync(FingerprintEntity entity, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
        await BumpVersionAsync(table, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts or replaces fingerprints of one team in transactions of 100 (one partition), then bumps the registry
    /// version once: bulk registration with stable ids, so a re-run rewrites the same rows.
    /// </summary>
    public async Task UpsertFingerprintsAsync(IReadOnlyList<FingerprintEntity> entities, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        foreach (var batch in entities.Chunk(100))
        {
            await table.SubmitTransactionAsync(
                batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct)
                .ConfigureAwait(false);
        }
        await BumpVersionAsync(table, ct).ConfigureAwait(false);
    }

    public async Task<List<FingerprintEntity>> ListFingerprintsAsync(string team, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        return await ToListAsync(table.QueryAsync<FingerprintEntity>(e => e.PartitionKey == team, cancellationToken: ct))
            .ConfigureAwait(false);
    }

    public async Task<FingerprintEntity?> GetFingerprintAsync(string team, string id, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<FingerprintEntity>(team, id, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    public async Task<bool> DeleteFingerprintAsync(string team, string id, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        var response = await table.DeleteEntityAsync(team, id, ETag.All, ct).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return false;
        }
        await BumpVersionAsync(table, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Every team's fingerprints, for the matcher's index.</summary>
    public async Task<List<FingerprintEntity>> LoadAllFingerprintsAsync(CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        return await ToListAsync(table.QueryAsync<FingerprintEntity>(e => e.PartitionKey != MetaPartition,
            cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The registry's change marker (an ETag), or null when nothing was ever registered.</summary>
    public async Task<string?> GetVersionAsync(CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.FingerprintsTable).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(MetaPartition, VersionRow, cancellationToken: ct)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value!.ETag.ToString() : null;
    }

    public async Task AddSourceAsync(SourceEntity entity, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SourcesTable).ConfigureAwait(false);
        await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
    }

    public async Task<List<SourceEntity>> ListSourcesAsync(string? team, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SourcesTable).ConfigureAwait(false);
        var query = team is null
            ? table.QueryAsync<SourceEntity>(cancellationToken: ct)
            : table.QueryAsync<SourceEntity>(e => e.PartitionKey == team, cancellationToken: ct);
        return await ToListAsync(query).ConfigureAwait(false);
    }

    public async Task<SourceEntity?> GetSourceAsync(string team, string id, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SourcesTable).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<SourceEntity>(team, id, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Saves a source read earlier; false when someone else changed it meanwhile (ETag mismatch).</summary>
    public async Task<bool> TryUpdateSourceAsync(SourceEntity entity, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SourcesTable).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    public async Task<bool> DeleteSourceAsync(string team, string id, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SourcesTable).ConfigureAwait(false);
        var response = await table.DeleteEntityAsync(team, id, ETag.All, ct).ConfigureAwait(false);
        return response.Status != 404;
    }

    private Task BumpVersionAsync(TableClient table, CancellationToken ct)
        => table.UpsertEntityAsync(new TableEntity(MetaPartition, VersionRow) { ["ChangedAt"] = time.GetUtcNow() },
            TableUpdateMode.Replace, ct);

    internal static async Task<List<T>> ToListAsync<T>(AsyncPageable<T> pages) where T : notnull
    {
        var list = new List<T>();
        await foreach (var item in pages.ConfigureAwait(false))
        {
            list.Add(item);
        }
        return list;
    }
}
