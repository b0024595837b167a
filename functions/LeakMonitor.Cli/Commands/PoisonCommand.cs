using System.CommandLine;
using System.Text.Json;
using LeakMonitor.Core;
using LeakMonitor.Core.Storage;
using LeakMonitor.LocalHost;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.Cli.Commands;

/// <summary><c>leakmon poison list|replay</c>: see and re-queue messages that failed <c>maxDequeueCount</c> times.</summary>
internal static class PoisonCommand
{
    public static Command Create()
    {
        var queue = new Option<string?>("--queue")
        {
            Description = "Stage queue: crawl-jobs, documents or hits (default for list: all three).",
        };
        queue.AcceptOnlyFromAmong("crawl-jobs", "documents", "hits");
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };
        var list = new Command("list", "List messages parked in the poison queues (ids only; the failure reason is in the host's log).")
        {
            queue, json,
        };
        list.SetAction((parse, ct) => ListAsync(Poison(), parse.GetValue(queue), parse.GetValue(json), Console.Out, ct));

        var replayQueue = new Option<string>("--queue") { Description = "Stage queue: crawl-jobs, documents or hits.", Required = true };
        replayQueue.AcceptOnlyFromAmong("crawl-jobs", "documents", "hits");
        var id = new Option<string?>("--id") { Description = "Replay only this message id." };
        var all = new Option<bool>("--all") { Description = "Replay every parked message of the queue." };
        var replay = new Command("replay",
            "Move parked messages back to their stage queue, once the cause is fixed. Safe to repeat: stages are idempotent.")
        {
            replayQueue, id, all,
        };
        replay.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(id) is null == !parse.GetValue(all))
            {
                await Console.Error.WriteLineAsync("leakmon poison replay: give exactly one of --id ID or --all").ConfigureAwait(false);
                return 2;
            }
            return await ReplayAsync(Poison(), parse.GetValue(replayQueue)!, parse.GetValue(id), Console.Out, ct).ConfigureAwait(false);
        });

        return new Command("poison",
            "Inspect and replay poison queues. Storage comes from AzureWebJobsStorage (environment or ./local.settings.json), " +
            "as for 'leakmon serve'.")
        {
            list, replay,
        };
    }

    internal static async Task<int> ListAsync(PoisonQueues poison, string? queue, bool json, TextWriter output,
        CancellationToken ct)
    {
        var total = 0;
        foreach (var (name, actual) in poison.StageQueues.Where(q => queue is null || q.Key == queue))
        {
            var messages = await poison.ListAsync(actual, ct).ConfigureAwait(false);
            total += messages.Count;
            foreach (var m in messages)
            {
                await output.WriteLineAsync(json
                    ? JsonSerializer.Serialize(new { queue = name, id = m.MessageId, insertedOn = m.InsertedOn, dequeueCount = m.DequeueCount, body = m.Body })
                    : $"{name,-10} {m.MessageId,-36} {m.InsertedOn:u} {m.Body}").ConfigureAwait(false);
            }
        }
        if (!json)
        {
            await output.WriteLineAsync($"{total} poison message(s)").ConfigureAwait(false);
        }
        return 0;
    }

    internal static async Task<int> ReplayAsync(PoisonQueues poison, string queue, string? messageId, TextWriter output,
        CancellationToken ct)
    {
        var replayed = await poison.ReplayAsync(poison.StageQueues[queue], messageId, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"replayed {replayed} message(s) to {queue}").ConfigureAwait(false);
        return messageId is not null && replayed == 0 ? 1 : 0;
    }

    private static PoisonQueues Poison()
    {
        var configuration = LocalHostBuilder.UserConfiguration();
        return new ServiceCollection().AddLeakMonitor(configuration).BuildServiceProvider()
            .GetRequiredService<PoisonQueues>();
    }
}
