using System.CommandLine;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>
/// <c>leakmon keys create|list|revoke</c> for team admins. <c>create</c> prints the new key once on stdout (the only
/// time any leakmon command prints a credential: it cannot be recovered later) and the rest on stderr.
/// </summary>
internal static class KeysCommand
{
    private static readonly (string, string)[] Columns =
    [
        ("id", "id"), ("team", "team"), ("role", "role"), ("name", "name"), ("state", "state"), ("expires", "expiresAt"),
        ("created by", "createdBy"),
    ];

    public static Command Create()
    {
        var command = new Command("keys", "Your team's API keys (team admins): create, list, revoke.");

        var name = new Option<string>("--name") { Description = "What the key is for, e.g. 'ci pipeline'.", Required = true };
        var role = new Option<string?>("--role") { Description = "member (default), team-admin or platform-admin; at most your own." };
        var team = new Option<string?>("--team") { Description = "Another team (platform admins only)." };
        var days = new Option<int?>("--expires-in-days") { Description = "Lifetime in days (default and maximum set by the service)." };
        var create = new Command("create", "Create an API key. It is printed once: store it in your secret store at once.")
        {
            name, role, team, days,
        };
        create.SetAction((parse, ct) => CreateAsync(ClientContext.FromConsole(), parse.GetValue(name)!, parse.GetValue(role),
            parse.GetValue(team), parse.GetValue(days), ct));
        command.Subcommands.Add(create);

        var json = SecretsCommand.JsonOption();
        var listTeam = new Option<string?>("--team") { Description = "Another team (platform admins only)." };
        var list = new Command("list", "Keys of your team: ids, roles, states (never a key).") { listTeam, json };
        list.SetAction((parse, ct) => ListAsync(ClientContext.FromConsole(), parse.GetValue(listTeam), parse.GetValue(json), ct));
        command.Subcommands.Add(list);

        var id = new Argument<string>("id") { Description = "The key's id (from 'leakmon keys list')." };
        var revoke = new Command("revoke", "Revoke a key at once.") { id };
        revoke.SetAction((parse, ct) => RevokeAsync(ClientContext.FromConsole(), parse.GetValue(id)!, ct));
        command.Subcommands.Add(revoke);
        return command;
    }

    internal static Task<int> CreateAsync(ClientContext context, string name, string? role, string? team, int? days,
        CancellationToken ct)
        => SecretsCommand.Run(context, "keys create", async client =>
        {
            var created = await client.PostAsync("keys", new { name, role, team, expiresInDays = days }, ct).ConfigureAwait(false);
            context.Out.WriteLine(created.GetProperty("key").GetString());
            context.Error.WriteLine($"leakmon: key {created.GetProperty("id").GetString()} ({created.GetProperty("role").GetString()} " +
                $"of {created.GetProperty("team").GetString()}, expires {created.GetProperty("expiresAt").GetDateTimeOffset():yyyy-MM-dd}) " +
                "is shown only this once: store it now.");
        });

    internal static Task<int> ListAsync(ClientContext context, string? team, bool json, CancellationToken ct)
        => SecretsCommand.Run(context, "keys list", async client => TableOutput.Write(context.Out,
            await client.GetAsync(team is null ? "keys" : $"keys?team={Uri.EscapeDataString(team)}", ct).ConfigureAwait(false),
            json, Columns));

    internal static Task<int> RevokeAsync(ClientContext context, string id, CancellationToken ct)
        => SecretsCommand.Run(context, "keys revoke", async client =>
        {
            await client.DeleteAsync($"keys/{Uri.EscapeDataString(id)}", ct).ConfigureAwait(false);
            context.Out.WriteLine($"revoked {id}");
        });
}
