using System.CommandLine;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>The commands that talk to a LeakMonitor API (after <c>leakmon login</c>).</summary>
internal static class ClientCommands
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(SecretsCommand.Create());
        root.Subcommands.Add(IncidentsCommand.Create());
        root.Subcommands.Add(SourcesCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
    }
}
