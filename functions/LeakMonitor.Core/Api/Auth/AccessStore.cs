using Azure;
using Azure.Data.Tables;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>An API key: its SHA-256 only, the team and role it acts as, and its lifetime. Partition "key", row = id.</summary>
public sealed class ApiKeyEntity : ITableEntity
{
    public const string Partition = "key";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Team { get; set; } = "";
    public string Role { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>SHA-256 of the whole key, lowercase hex (see <see cref="ApiKeyFormat"/> for why no slow hash).</summary>
    public string KeyHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string RevokedBy { get; set; } = "";
}

/// <summary>A team. Partition "team", row = team id.</summary>
public sealed class TeamEntity : ITableEntity
{
    public const string Partition = "team";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}

/// <summary>Names of the access tables, with the deployment prefix (kept apart from StorageNames to stay additive).</summary>
public sealed class AccessTables(IOptions<StorageOptions> options)
{
    public string ApiKeys => options.Value.Prefix + "apikeys";
    public string Teams => options.Value.Prefix + "teams";
    public string Audit => options.Value.Prefix + "audit";
}

/// <summary>API keys and teams in Table storage.</summary>
public sealed class AccessStore(StorageClients clients, AccessTables tables)
{
    public async Task<ApiKeyEntity?> GetKeyAsync(string id, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.ApiKeys).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<ApiKeyEntity>(ApiKeyEntity.Partition, id, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    public async Task AddKeyAsync(ApiKeyEntity key, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.ApiKeys).ConfigureAwait(false);
        await table.AddEntityAsync(key, ct).ConfigureAwait(false);
    }

    public async Task UpdateKeyAsync(ApiKeyEntity key, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.ApiKeys).ConfigureAwait(false);
        await table.UpdateEntityAsync(key, key.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>The keys of one team, or of every team when <paramref name="team"/> is null.</summary>
    public async Task<List<ApiKeyEntity>> ListKeysAsync(string? team, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.ApiKeys).ConfigureAwait(false);
        var query = team is null
            ? table.QueryAsync<ApiKeyEntity>(k => k.PartitionKey == ApiKeyEntity.Partition, cancellationToken: ct)
            : table.QueryAsync<ApiKeyEntity>(k => k.PartitionKey == ApiKeyEntity.Partition && k.Team == team,
                cancellationToken: ct);
        return await RegistryStore.ToListAsync(query).ConfigureAwait(false);
    }

    /// <summary>Adds a team; false when it exists already.</summary>
    public async Task<bool> TryAddTeamAsync(TeamEntity team, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.Teams).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(team, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    public async Task<TeamEntity?> GetTeamAsync(string id, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.Teams).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TeamEntity>(TeamEntity.Partition, id, cancellationToken: ct)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    public async Task<List<TeamEntity>> ListTeamsAsync(CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.Teams).ConfigureAwait(false);
        return await RegistryStore.ToListAsync(
            table.QueryAsync<TeamEntity>(t => t.PartitionKey == TeamEntity.Partition, cancellationToken: ct))
            .ConfigureAwait(false);
    }
}
