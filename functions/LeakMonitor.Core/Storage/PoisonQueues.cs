using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Storage;

/// <summary>A message parked in a poison queue: ids only (messages never carry content or secrets).</summary>
public sealed record PoisonMessage(string Queue, string MessageId, DateTimeOffset? InsertedOn, long DequeueCount, string Body);

/// <summary>
/// The <c>&lt;queue&gt;-poison</c> queues both hosts fill after <c>maxDequeueCount</c> failures: list them, and replay
/// (move back to the stage queue) once the cause is fixed. Replaying is safe: every stage is idempotent.
/// </summary>
public sealed class PoisonQueues(StorageAccount account, IOptions<QueueOptions> queues)
{
    public const string Suffix = "-poison";

    /// <summary>The stage queues by short name: crawl-jobs, documents, hits.</summary>
    public IReadOnlyDictionary<string, string> StageQueues { get; } = new Dictionary<string, string>
    {
        ["crawl-jobs"] = queues.Value.CrawlJobs,
        ["documents"] = queues.Value.Documents,
        ["hits"] = queues.Value.Hits,
    };

    public async Task<List<PoisonMessage>> ListAsync(string stageQueue, CancellationToken ct)
    {
        var poison = account.Queues.GetQueueClient(stageQueue + Suffix);
        var list = new List<PoisonMessage>();
        if (!(await poison.ExistsAsync(ct).ConfigureAwait(false)).Value)
        {
            return list;
        }
        // Peek shows at most 32; beyond that, receive with a short invisibility and let them reappear.
        PeekedMessage[] peeked = (await poison.PeekMessagesAsync(32, ct).ConfigureAwait(false)).Value;
        if (peeked.Length < 32)
        {
            list.AddRange(peeked.Select(m => new PoisonMessage(stageQueue, m.MessageId, m.InsertedOn, m.DequeueCount, m.Body.ToString())));
            return list;
        }
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                return list;
            }
            list.AddRange(batch.Select(m => new PoisonMessage(stageQueue, m.MessageId, m.InsertedOn, m.DequeueCount, m.Body.ToString())));
        }
    }

    /// <summary>Moves poison messages (all, or the one with <paramref name="messageId"/>) back to the stage queue.
    /// Each is sent before it is deleted, so a crash in between duplicates rather than loses it.</summary>
    public async Task<int> ReplayAsync(string stageQueue, string? messageId, CancellationToken ct)
    {
        var poison = account.Queues.GetQueueClient(stageQueue + Suffix);
        var target = account.Queues.GetQueueClient(stageQueue);
        if (!(await poison.ExistsAsync(ct).ConfigureAwait(false)).Value)
        {
            return 0;
        }
        await target.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        var replayed = 0;
        var skipped = new List<QueueMessage>();
        while (true)
        {
            var batch = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                break;
            }
            foreach (var message in batch)
            {
                if (messageId is not null && message.MessageId != messageId)
                {
                    skipped.Add(message);
                    continue;
                }
                await target.SendMessageAsync(message.Body, cancellationToken: ct).ConfigureAwait(false);
                await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
                replayed++;
            }
        }
        // Make the ones we did not replay visible again right away.
        foreach (var message in skipped)
        {
            await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero,
                cancellationToken: ct).ConfigureAwait(false);
        }
        return replayed;
    }
}
