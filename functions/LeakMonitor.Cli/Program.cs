using System.CommandLine;
using LeakMonitor.Cli.Commands;
using LeakMonitor.Cli.Commands.Client;

var root = new RootCommand(
    "leakmon: find your organisation's secrets in public leaks without ever giving them away.\n" +
    "Fingerprint secrets locally, scan files and archives, or run the whole LeakMonitor pipeline on this machine.");
root.Subcommands.Add(FingerprintCommand.Create());
root.Subcommands.Add(ScanCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
ClientCommands.AddTo(root);
return await root.Parse(args).InvokeAsync();
