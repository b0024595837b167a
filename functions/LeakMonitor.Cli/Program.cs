using System.CommandLine;
using LeakMonitor.Cli.Commands;
using LeakMonitor.Cli.Commands.Client;

var root = new RootCommand(
    "leakmon: find your organisation's secrets in public leaks without ever giving them away.\n" +
    "Fingerprint secrets locally, scan files and archives, or run the whole LeakMonitor pipeline on this machine.");
root.Subcommands.Add(FingerprintCommand.Create());
root.Subcommands.Add(ScanCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(PoisonCommand.Create());
ClientCommands.AddTo(root);
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Never echo an unrecognised argument: it may be a secret typed where it does not belong, and stderr often
    // ends up in CI logs. Usage errors exit 2, like every other leakmon usage error.
    foreach (var error in parse.Errors.Where(e => !parse.UnmatchedTokens.Any(t => e.Message.Contains(t, StringComparison.Ordinal))))
    {
        Console.Error.WriteLine($"leakmon: {error.Message}");
    }
    if (parse.UnmatchedTokens.Count > 0)
    {
        Console.Error.WriteLine($"leakmon: {parse.UnmatchedTokens.Count} unrecognised argument(s), not shown in case they " +
            "hold a secret. Secrets are read from stdin, --from-file or --from-env; see 'leakmon <command> --help'.");
    }
    return 2;
}
return await parse.InvokeAsync();
