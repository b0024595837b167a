using System.Text.Json;

namespace LeakMonitor.Core.Storage;

/// <summary>Sends stage messages as JSON (Base64-encoded by the queue client, as both hosts' triggers expect).</summary>
public sealed class MessageQueue(StorageClients clients)
{
    public async Task SendAsync<T>(string queueName, T message, CancellationToken ct)
    {
        var queue = await clients.QueueAsync(queueName).ConfigureAwait(false);
        await queue.SendMessageAsync(JsonSerializer.Serialize(message), ct).ConfigureAwait(false);
    }
}
