using Azure.Data.Tables;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>Reads everything one test's host stored under its prefix: queues, tables, blobs.</summary>
public sealed class StorageProbe(StorageAccount storage, string prefix)
{
    /// <summary>Every message text in the prefix's queues (and their poison twins).</summary>
    public async Task<List<string>> PeekAllQueuesAsync()
    {
        var texts = new List<string>();
        await foreach (var q in storage.Queues.GetQueuesAsync(prefix: prefix))
        {
            var client = storage.Queues.GetQueueClient(q.Name);
            foreach (var m in (await client.PeekMessagesAsync(32)).Value)
            {
                texts.Add(m.Body.ToString()); // the client decodes Base64
            }
        }
        return texts;
    }

    public async Task<int> QueueLengthAsync(string queueName)
    {
        var client = storage.Queues.GetQueueClient(queueName);
        if (!(await client.ExistsAsync()).Value)
        {
            return 0;
        }
        return (await client.PeekMessagesAsync(32)).Value.Length;
    }

    /// <summary>Every property of every entity in the prefix's tables, as text.</summary>
    public async Task<List<string>> DumpAllTablesAsync()
    {
        var texts = new List<string>();
        await foreach (var t in storage.Tables.QueryAsync(t => t.Name.CompareTo(prefix) >= 0))
        {
            if (!t.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            await foreach (var e in storage.Tables.GetTableClient(t.Name).QueryAsync<TableEntity>())
            {
                texts.Add(string.Join("|", e.Select(kv => $"{kv.Key}={kv.Value}")));
            }
        }
        return texts;
    }

    /// <summary>Every blob in the prefix's containers, as text; <paramref name="except"/> names containers to skip.</summary>
    public async Task<List<string>> DumpAllBlobsAsync(params string[] except)
    {
        var texts = new List<string>();
        await foreach (var c in storage.Blobs.GetBlobContainersAsync(prefix: prefix))
        {
            if (except.Contains(c.Name))
            {
                continue;
            }
            var container = storage.Blobs.GetBlobContainerClient(c.Name);
            await foreach (var b in container.GetBlobsAsync())
            {
                texts.Add((await container.GetBlobClient(b.Name).DownloadContentAsync()).Value.Content.ToString());
            }
        }
        return texts;
    }
}
