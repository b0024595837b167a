using System.CommandLine;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>
/// <c>leakmon incidents list|ack|resolve</c>. Acknowledge and resolve call <c>POST /api/incidents/{id}/acknowledge</c>
/// and <c>/resolve</c> with an optional <c>{"note"}</c>: those routes come with incident states (response work).
/// </summary>
internal static class IncidentsCommand
{
    public static Command Create()
    {
        var command = new Command("incidents", "Leaks of your team's secrets: list, acknowledge, resolve.");
        var json = SecretsCommand.JsonOption();
        var list = new Command("list", "Incidents, newest first.") { json };
        list.SetAction((parse, ct) => ListAsync(ClientContext.FromConsole(), parse.GetValue(json), ct));
        command.Subcommands.Add(list);
        command.Subcommands.Add(Transition("ack", "acknowledge", "Acknowledge an incident: someone is on it."));
        command.Subcommands.Add(Transition("resolve", "resolve", "Resolve an incident: the secret is rotated."));
        return command;
    }

    internal static Task<int> ListAsync(ClientContext context, bool json, CancellationToken ct)
        => SecretsCommand.Run(context, "incidents list", async client => TableOutput.Write(context.Out,
            await client.GetAsync("incidents", ct).ConfigureAwait(false), json,
            ("id", "id"), ("label", "label"), ("status", "status"), ("detected", "detectedAt"), ("url", "url"),
            ("line", "line")));

    private static Command Transition(string name, string action, string description)
    {
        var id = new Argument<string>("id") { Description = "The incident's id (from 'leakmon incidents list')." };
        var note = new Option<string?>("--note") { Description = "Sent as {\"note\"} (never a secret); the current API does not store it yet." };
        var command = new Command(name, description) { id, note };
        command.SetAction((parse, ct) => TransitionAsync(ClientContext.FromConsole(), action, parse.GetValue(id)!,
            parse.GetValue(note), ct));
        return command;
    }

    internal static Task<int> TransitionAsync(ClientContext context, string action, string id, string? note,
        CancellationToken ct)
        => SecretsCommand.Run(context, $"incidents {action}", async client =>
        {
            await client.PostAsync($"incidents/{Uri.EscapeDataString(id)}/{action}",
                note is null ? new { } : new { note }, ct).ConfigureAwait(false);
            context.Out.WriteLine($"{action}d {id}");
        });
}
