using System.CommandLine;
using LeakMonitor.LocalHost;

namespace LeakMonitor.Cli.Commands;

/// <summary><c>leakmon serve</c>: the whole pipeline on this machine, against Azurite.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where the HTTP API listens.",
            DefaultValueFactory = _ => LocalHostDefaults.Urls,
        };
        var command = new Command("serve",
            "Run LeakMonitor locally: the same crawler, matcher and hit handler as the Azure Functions app, with the " +
            "HTTP API on " + LocalHostDefaults.Urls + "/api. Settings come from environment variables " +
            "(e.g. Crawl__Schedule) and ./local.settings.json. When AzureWebJobsStorage is the development default " +
            "and nothing listens on Azurite's ports, Azurite is installed (npm ci) and started, and stopped on exit. " +
            "Ctrl-C stops cleanly.")
        {
            urls,
        };
        command.SetAction((parse, ct) => LocalServer.RunAsync(parse.GetValue(urls)!, Console.Error, ct));
        return command;
    }
}
