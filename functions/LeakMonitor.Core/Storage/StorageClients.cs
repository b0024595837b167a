using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace LeakMonitor.Core.Storage;

/// <summary>Tables, queues and containers by name, each created on first use (once per process).</summary>
public sealed class StorageClients(StorageAccount account, StorageNames names)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> tables = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> queues = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> containers = new();

    public StorageNames Names => names;

    public Task<TableClient> TableAsync(string name) => tables.GetOrAdd(name, n => new(async () =>
    {
        var client = account.Tables.GetTableClient(n);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    })).Value;

    public Task<QueueClient> QueueAsync(string name) => queues.GetOrAdd(name, n => new(async () =>
    {
        var client = account.Queues.GetQueueClient(n);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    })).Value;

    public Task<BlobContainerClient> ContainerAsync(string name) => containers.GetOrAdd(name, n => new(async () =>
    {
        var client = account.Blobs.GetBlobContainerClient(n);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    })).Value;
}
