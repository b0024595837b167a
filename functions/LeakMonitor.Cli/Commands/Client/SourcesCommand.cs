using System.CommandLine;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary><c>leakmon sources list|add</c>: what your team crawls, and its health.</summary>
internal static class SourcesCommand
{
    public static Command Create()
    {
        var command = new Command("sources", "Sources your team crawls for leaks: list with health, add.");
        var json = SecretsCommand.JsonOption();
        var list = new Command("list", "Sources with their crawl health.") { json };
        list.SetAction((parse, ct) => ListAsync(ClientContext.FromConsole(), parse.GetValue(json), ct));
        command.Subcommands.Add(list);

        var name = new Option<string>("--name") { Description = "A name for the source.", Required = true };
        var kind = new Option<string>("--kind") { Description = "feed (RSS/Atom of pastes) or urls (list of raw URLs).", Required = true };
        var url = new Option<string>("--url") { Description = "https URL of the feed or list.", Required = true };
        var interval = new Option<int?>("--interval") { Description = "Minutes between crawls." };
        var addJson = SecretsCommand.JsonOption();
        var add = new Command("add", "Add a source to crawl.") { name, kind, url, interval, addJson };
        add.SetAction((parse, ct) => AddAsync(ClientContext.FromConsole(), parse.GetValue(name)!, parse.GetValue(kind)!,
            parse.GetValue(url)!, parse.GetValue(interval), parse.GetValue(addJson), ct));
        command.Subcommands.Add(add);
        return command;
    }

    private static readonly (string, string)[] Columns =
    [
        ("id", "id"), ("name", "name"), ("kind", "kind"), ("url", "url"), ("enabled", "enabled"),
        ("last success", "health.lastSuccessAt"), ("failures", "health.consecutiveFailures"), ("last error", "health.lastError"),
    ];

    internal static Task<int> ListAsync(ClientContext context, bool json, CancellationToken ct)
        => SecretsCommand.Run(context, "sources list", async client =>
            TableOutput.Write(context.Out, await client.GetAsync("sources", ct).ConfigureAwait(false), json, Columns));

    internal static Task<int> AddAsync(ClientContext context, string name, string kind, string url, int? interval,
        bool json, CancellationToken ct)
        => SecretsCommand.Run(context, "sources add", async client => TableOutput.Write(context.Out,
            await client.PostAsync("sources", new { name, kind, url, intervalMinutes = interval }, ct).ConfigureAwait(false),
            json, Columns));
}
