using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.Core.Response;

/// <summary>Incidents in Table storage, scoped by team.</summary>
public sealed class IncidentStore(StorageClients clients)
{
    /// <summary>The incident id of a hit: the same fingerprint in the same document is the same incident.</summary>
    public static string IdFor(HitMessage hit)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{hit.Team}\n{hit.FingerprintId}\n{hit.DocumentId}")))[..32];

    /// <summary>Opens the incident, or returns the one a previous delivery of this hit opened.</summary>
    public async Task<IncidentEntity> OpenAsync(IncidentEntity incident, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.IncidentsTable).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(incident, ct).ConfigureAwait(false);
            incident.ETag = response.Headers.ETag ?? ETag.All;
            return incident;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await table.GetEntityAsync<IncidentEntity>(incident.PartitionKey, incident.RowKey,
                cancellationToken: ct).ConfigureAwait(false);
            return existing.Value;
        }
    }

    public async Task UpdateAsync(IncidentEntity incident, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.IncidentsTable).ConfigureAwait(false);
        var response = await table.UpdateEntityAsync(incident, incident.ETag, TableUpdateMode.Replace, ct)
            .ConfigureAwait(false);
        incident.ETag = response.Headers.ETag ?? ETag.All;
    }

    public async Task<List<IncidentEntity>> ListAsync(string team, CancellationToken ct)
    {
        var table = await clients.TableAsync(clients.Names.IncidentsTable).ConfigureAwait(false);
        return await RegistryStore.ToListAsync(table.QueryAsync<IncidentEntity>(e => e.PartitionKey == team,
            cancellationToken: ct)).ConfigureAwait(false);
    }
}
