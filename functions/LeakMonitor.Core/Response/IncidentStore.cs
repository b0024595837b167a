using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.Core.Response;

/// <summary>Incidents, their occurrences and digests in Table storage, scoped by team.</summary>
public sealed class IncidentStore(StorageClients clients)
{
    /// <summary>The incident id of a secret's leak: the same secret is the same incident until it is resolved.</summary>
    public static string IdFor(string team, string fingerprintId, int generation)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{team}\n{fingerprintId}\n{generation}")))[..32];

    public static string OccurrencePartition(string team, string fingerprintId) => $"{team}|{fingerprintId}";

    private Task<TableClient> Incidents => clients.TableAsync(clients.Names.IncidentsTable);
    private Task<TableClient> Occurrences => clients.TableAsync(clients.Names.OccurrencesTable);

    /// <summary>The secret's current incident generation (0 until an incident of it was resolved).</summary>
    public async Task<int> GetGenerationAsync(string team, string fingerprintId, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SecretIncidentsTable).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<SecretIncidentEntity>(team, fingerprintId, cancellationToken: ct)
            .ConfigureAwait(false);
        return row.HasValue ? row.Value!.Generation : 0;
    }

    /// <summary>Lets the next leak of the secret open a new incident (called when one is resolved).</summary>
    public async Task BumpGenerationAsync(string team, string fingerprintId, int resolvedGeneration, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.SecretIncidentsTable).ConfigureAwait(false);
        await table.UpsertEntityAsync(new SecretIncidentEntity
        {
            PartitionKey = team, RowKey = fingerprintId, Generation = resolvedGeneration + 1,
        }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>Opens the incident, or returns the one an earlier hit of the same secret opened.</summary>
    public async Task<IncidentEntity> OpenAsync(IncidentEntity incident, CancellationToken ct)
    {
        var table = await Incidents.ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(incident, ct).ConfigureAwait(false);
            incident.ETag = response.Headers.ETag ?? ETag.All;
            return incident;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (await table.GetEntityAsync<IncidentEntity>(incident.PartitionKey, incident.RowKey,
                cancellationToken: ct).ConfigureAwait(false)).Value;
        }
    }

    public async Task<IncidentEntity?> GetAsync(string team, string id, CancellationToken ct)
    {
        var table = await Incidents.ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<IncidentEntity>(team, id, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Saves an incident read earlier; throws 412 when someone else changed it meanwhile.</summary>
    public async Task UpdateAsync(IncidentEntity incident, CancellationToken ct)
    {
        var table = await Incidents.ConfigureAwait(false);
        var response = await table.UpdateEntityAsync(incident, incident.ETag, TableUpdateMode.Replace, ct)
            .ConfigureAwait(false);
        incident.ETag = response.Headers.ETag ?? ETag.All;
    }

    /// <summary>
    /// Saves the hit handler's changes. If a person acknowledged or resolved the incident meanwhile (412), their
    /// fields are taken over and the save is repeated, so neither side's outcome is lost (hits of one secret are
    /// serialised in-process, so the API is the only other writer there).
    /// </summary>
    public async Task SaveHandlerChangesAsync(IncidentEntity incident, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await UpdateAsync(incident, ct).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 5)
            {
                var fresh = await GetAsync(incident.PartitionKey, incident.RowKey, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Incident {incident.RowKey} disappeared.", e);
                if (!IncidentStatus.IsAutomatic(fresh.Status))
                {
                    incident.Status = fresh.Status;
                    incident.StatusChangedAt = fresh.StatusChangedAt;
                    incident.StatusChangedBy = fresh.StatusChangedBy;
                }
                incident.AcknowledgedAt = fresh.AcknowledgedAt;
                incident.AcknowledgedBy = fresh.AcknowledgedBy;
                incident.ResolvedAt = fresh.ResolvedAt;
                incident.ResolvedBy = fresh.ResolvedBy;
                incident.ETag = fresh.ETag;
            }
        }
    }

    public async Task<List<IncidentEntity>> ListAsync(string team, CancellationToken ct)
    {
        var table = await Incidents.ConfigureAwait(false);
        return await RegistryStore.ToListAsync(table.QueryAsync<IncidentEntity>(e => e.PartitionKey == team,
            cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<OccurrenceEntity?> GetOccurrenceAsync(string team, string fingerprintId, string documentId,
        CancellationToken ct)
    {
        var table = await Occurrences.ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<OccurrenceEntity>(OccurrencePartition(team, fingerprintId),
            documentId, cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Records where the secret was seen; returns the row already there when this document was recorded.</summary>
    public async Task<(OccurrenceEntity Occurrence, bool Added)> AddOccurrenceAsync(OccurrenceEntity occurrence,
        CancellationToken ct)
    {
        var table = await Occurrences.ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(occurrence, ct).ConfigureAwait(false);
            return (occurrence, true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return ((await table.GetEntityAsync<OccurrenceEntity>(occurrence.PartitionKey, occurrence.RowKey,
                cancellationToken: ct).ConfigureAwait(false)).Value, false);
        }
    }

    /// <summary>
    /// Widens an occurrence's first/last seen to include a later (or earlier) sighting of the same document. A
    /// redelivered hit carries the same time and changes nothing; a concurrent widening (412) is left to win.
    /// </summary>
    public async Task TouchOccurrenceAsync(OccurrenceEntity occurrence, DateTimeOffset seenAt, CancellationToken ct)
    {
        if (seenAt <= occurrence.LastSeenAt && seenAt >= occurrence.FirstSeenAt)
        {
            return;
        }
        occurrence.LastSeenAt = seenAt > occurrence.LastSeenAt ? seenAt : occurrence.LastSeenAt;
        occurrence.FirstSeenAt = seenAt < occurrence.FirstSeenAt ? seenAt : occurrence.FirstSeenAt;
        var table = await Occurrences.ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(occurrence, occurrence.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Someone else recorded a sighting meanwhile; first/last seen are best effort, not worth a retry.
        }
    }

    public async Task<List<OccurrenceEntity>> ListOccurrencesAsync(IncidentEntity incident, CancellationToken ct)
    {
        var table = await Occurrences.ConfigureAwait(false);
        var partition = OccurrencePartition(incident.PartitionKey, incident.FingerprintId);
        var id = incident.RowKey;
        return await RegistryStore.ToListAsync(table.QueryAsync<OccurrenceEntity>(
            e => e.PartitionKey == partition && e.IncidentId == id, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Claims the digest of (team, document, channel) for a secret, or returns the claim already made.</summary>
    public async Task<DigestEntity> ClaimDigestAsync(DigestEntity digest, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.DigestsTable).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(digest, ct).ConfigureAwait(false);
            digest.ETag = response.Headers.ETag ?? ETag.All;
            return digest;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (await table.GetEntityAsync<DigestEntity>(digest.PartitionKey, digest.RowKey,
                cancellationToken: ct).ConfigureAwait(false)).Value;
        }
    }

    public async Task MarkDigestSentAsync(DigestEntity digest, DateTimeOffset at, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.DigestsTable).ConfigureAwait(false);
        digest.SentAt = at;
        await table.UpdateEntityAsync(digest, digest.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }
}
