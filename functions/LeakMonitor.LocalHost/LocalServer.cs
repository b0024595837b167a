using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LeakMonitor.LocalHost;

/// <summary><c>leakmon serve</c>: settings, Azurite when needed, the host, and a clean stop on Ctrl-C.</summary>
public static class LocalServer
{
    public static async Task<int> RunAsync(string urls, TextWriter console, CancellationToken ct)
    {
        var configuration = LocalHostBuilder.UserConfiguration();
        Azurite? azurite = null;
        try
        {
            var overrides = new Dictionary<string, string?>();
            if (StorageAccount.IsDevelopmentStorage(configuration))
            {
                if (Azurite.IsListeningOnDefaultPorts())
                {
                    console.WriteLine("leakmon: using the storage emulator already listening on 127.0.0.1:10000-10002");
                }
                else
                {
                    azurite = await Azurite.StartAsync(Path.Combine(Environment.CurrentDirectory, ".leakmon", "azurite"),
                        Azurite.DefaultPorts, console, ct).ConfigureAwait(false);
                }
                overrides["AzureWebJobsStorage"] = Azurite.ConnectionStringFor(
                    Azurite.DefaultPorts.Blob, Azurite.DefaultPorts.Queue, Azurite.DefaultPorts.Table);
                if (string.IsNullOrEmpty(configuration["Api:BootstrapKey"]))
                {
                    overrides["Api:BootstrapKey"] = LocalHostDefaults.DevelopmentApiKey;
                    console.WriteLine($"leakmon: local development API key: {LocalHostDefaults.DevelopmentApiKey} " +
                        "(set Api__BootstrapKey to choose another)");
                }
            }
            if (overrides.Count > 0)
            {
                configuration = new ConfigurationBuilder().AddConfiguration(configuration)
                    .AddInMemoryCollection(overrides).Build();
            }
            using var host = LocalHostBuilder.Build(configuration, urls);
            await host.StartAsync(ct).ConfigureAwait(false);
            console.WriteLine($"leakmon: serving {urls}/api (Ctrl-C to stop)");
            await host.WaitForShutdownAsync(ct).ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException e)
        {
            console.WriteLine($"leakmon serve: invalid setting: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException
            or Microsoft.Azure.WebJobs.Host.Indexers.FunctionIndexingException)
        {
            console.WriteLine($"leakmon serve: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}");
            return 2;
        }
        finally
        {
            if (azurite is not null)
            {
                console.WriteLine("leakmon: stopping Azurite");
                await azurite.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
