using System.Text.Json.Nodes;
using LeakMonitor.LocalHost;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>A message that was leased (dequeued, not deleted) when Azurite's data was saved.</summary>
public sealed record LeasedMessage(string Queue, string MessageId, long DequeueCount, DateTimeOffset VisibleAt);

/// <summary>
/// Fast-forwards queue leases in a stopped Azurite's saved data. The WebJobs queue listener (Functions host and
/// local host alike) dequeues with a fixed 10-minute visibility lease and renews it while the function runs; a
/// killed host cannot renew or release it, so its messages reappear 10 minutes later. A test cannot wait that long,
/// so it stops Azurite (which saves its LokiJS metadata, <c>__azurite_db_queue__.json</c>, pinned to the Azurite
/// version in package.json), sets each leased message's <c>timeNextVisible</c> to now — exactly what the lease
/// expiring would do, nothing else changes (dequeue count, pop receipt, body) — and starts it again.
/// </summary>
public static class AzuriteLeases
{
    private const string MetadataFile = "__azurite_db_queue__.json";

    /// <summary>Makes every message of queues named <paramref name="queuePrefix"/>* that is invisible now visible,
    /// and returns what it changed. Azurite must be stopped.</summary>
    public static IReadOnlyList<LeasedMessage> ExpireAll(string location, string queuePrefix, DateTimeOffset now)
    {
        var path = Path.Combine(location, MetadataFile);
        var db = JsonNode.Parse(File.ReadAllText(path))!;
        var messages = db["collections"]!.AsArray().Single(c => (string?)c!["name"] == "$MESSAGES_COLLECTION$")!["data"]!.AsArray();
        var expired = new List<LeasedMessage>();
        foreach (var message in messages)
        {
            var queue = (string)message!["queueName"]!;
            var visibleAt = DateTimeOffset.FromUnixTimeMilliseconds((long)message["timeNextVisible"]!);
            if (message["accountName"]?.GetValue<string>() != Azurite.AccountName
                || !queue.StartsWith(queuePrefix, StringComparison.Ordinal) || visibleAt <= now)
            {
                continue;
            }
            expired.Add(new LeasedMessage(queue, (string)message["messageId"]!, (long)message["dequeueCount"]!, visibleAt));
            message["timeNextVisible"] = now.ToUnixTimeMilliseconds();
        }
        File.WriteAllText(path, db.ToJsonString());
        return expired;
    }
}
