using System.Text.Json;
using Azure.Storage.Queues;
using LeakMonitor.Core;
using LeakMonitor.Core.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeakMonitor.LocalHost;

public static class LocalHostDefaults
{
    public const string Urls = "http://127.0.0.1:7071";
    /// <summary>The documented local bootstrap key; only used when storage is the local emulator.</summary>
    public const string DevelopmentApiKey = "leakmon-local-dev-key";
    /// <summary>A laptop pays nothing per poll: the local host polls queues every 100 ms unless told otherwise.</summary>
    public const string MaxPollingInterval = "00:00:00.100";
}

/// <summary>
/// Builds the local host: the WebJobs SDK runs the same Core handlers on queue and timer triggers, and Kestrel serves
/// the same API routes as the Functions app. Tests build it too, with their own settings.
/// </summary>
public static class LocalHostBuilder
{
    private const string HostJsonSection = "AzureFunctionsJobHost";

    /// <summary>Settings in order of precedence, lowest first: defaults, host.json, local.settings.json, then
    /// <paramref name="overrides"/> (environment variables for <c>leakmon serve</c>, test settings for tests).</summary>
    public static IConfigurationRoot BuildConfiguration(string? localSettingsFile,
        IEnumerable<KeyValuePair<string, string?>> overrides, bool includeEnvironment)
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(LeakMonitorSettings.Defaults())
            .AddInMemoryCollection(HostJsonSettings())
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Core.Storage.StorageAccount.DevelopmentStorage,
                [$"{HostJsonSection}:extensions:queues:maxPollingInterval"] = LocalHostDefaults.MaxPollingInterval,
                // The trigger's own storage client: the WebJobs queue listener treats an exhausted retry as fatal and
                // ends the process, so it waits out a storage outage (up to ~13 minutes) instead. Same keys work as
                // AzureWebJobsStorage__Retry__MaxRetries etc. for the Functions host.
                ["AzureWebJobsStorage:Retry:Mode"] = "Exponential",
                ["AzureWebJobsStorage:Retry:MaxRetries"] = "100",
                ["AzureWebJobsStorage:Retry:Delay"] = "00:00:00.500",
                ["AzureWebJobsStorage:Retry:MaxDelay"] = "00:00:08",
            });
        if (localSettingsFile is not null && File.Exists(localSettingsFile))
        {
            builder.AddInMemoryCollection(LocalSettingsValues(localSettingsFile));
        }
        if (includeEnvironment)
        {
            builder.AddEnvironmentVariables();
        }
        return builder.AddInMemoryCollection(overrides).Build();
    }

    /// <summary>What a <c>leakmon</c> command run by a person reads: ./local.settings.json and the environment.</summary>
    public static IConfigurationRoot UserConfiguration()
        => BuildConfiguration(Path.Combine(Environment.CurrentDirectory, "local.settings.json"), [], includeEnvironment: true);

    public static IHost Build(IConfiguration configuration, string urls, Action<IServiceCollection>? configureServices = null)
    {
        var queues = configuration.GetSection($"{HostJsonSection}:extensions:queues");
        return new HostBuilder()
            .ConfigureAppConfiguration(c => c.AddConfiguration(configuration))
            .ConfigureLogging((context, logging) => logging
                .AddConfiguration(context.Configuration.GetSection("Logging"))
                // The Azure SDK logs every storage request at Information; polling makes that noise.
                .AddFilter("Azure.Core", LogLevel.Warning)
                .AddFilter("Microsoft.Azure.WebJobs.Hosting.OptionsLoggingService", LogLevel.Warning)
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                }))
            .ConfigureWebJobs(webJobs =>
            {
                webJobs.AddAzureStorageQueues(o =>
                {
                    o.MaxPollingInterval = queues.GetValue("maxPollingInterval", TimeSpan.FromSeconds(2));
                    o.VisibilityTimeout = queues.GetValue("visibilityTimeout", TimeSpan.Zero);
                    o.BatchSize = queues.GetValue("batchSize", 16);
                    o.MaxDequeueCount = queues.GetValue("maxDequeueCount", 5);
                    o.MessageEncoding = string.Equals(queues["messageEncoding"], "none", StringComparison.OrdinalIgnoreCase)
                        ? QueueMessageEncoding.None : QueueMessageEncoding.Base64;
                });
                webJobs.AddTimers();
            })
            .ConfigureServices(services =>
            {
                services.AddLeakMonitor(configuration);
                services.Replace(ServiceDescriptor.Singleton<ScheduleMonitor, InMemoryScheduleMonitor>());
                services.Replace(ServiceDescriptor.Singleton<ITypeLocator>(new JobTypeLocator(typeof(LocalJobs))));
                services.AddRouting();
                services.AddProblemDetails();
                configureServices?.Invoke(services);
            })
            .ConfigureWebHost(web => web
                .UseKestrel(k => k.Limits.MaxRequestBodySize = 5 << 20) // bulk registration takes up to 4 MiB
                .UseUrls(urls)
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseEndpoints(MapApi);
                }))
            .Build();
    }

    /// <summary>The Functions app's routes, from the same table: <c>/api/...</c>.</summary>
    private static void MapApi(IEndpointRouteBuilder endpoints)
    {
        foreach (var route in ApiRoutes.All)
        {
            endpoints.MapMethods($"/{ApiRoutes.Prefix}/{route.Template}", [route.Method], async context =>
            {
                var id = context.Request.RouteValues.TryGetValue("id", out var value) ? value?.ToString() : null;
                var result = await route.Invoke(context.RequestServices, context.Request, id, context.RequestAborted).ConfigureAwait(false);
                await result.ExecuteAsync(context).ConfigureAwait(false);
            }).WithName(route.Name);
        }
        endpoints.MapFallback(context =>
            Problems.NoSuchRoute(context.Request.Method, context.Request.Path).ExecuteAsync(context));
    }

    /// <summary>The repository's host.json (embedded at build), flattened under AzureFunctionsJobHost like the
    /// Functions host reads it, so both hosts share queue settings.</summary>
    internal static Dictionary<string, string?> HostJsonSettings()
    {
        using var stream = typeof(LocalHostBuilder).Assembly.GetManifestResourceStream("host.json")
            ?? throw new InvalidOperationException("host.json is not embedded in the local host.");
        using var json = JsonDocument.Parse(stream);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(json.RootElement, HostJsonSection, settings);
        return settings;
    }

    /// <summary>The <c>Values</c> of a local.settings.json, with <c>__</c> meaning a section, as the Functions host reads them.</summary>
    private static Dictionary<string, string?> LocalSettingsValues(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (json.RootElement.TryGetProperty("Values", out var v))
        {
            foreach (var p in v.EnumerateObject())
            {
                values[p.Name.Replace("__", ":", StringComparison.Ordinal)] = p.Value.ToString();
            }
        }
        return values;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> into)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in element.EnumerateObject())
            {
                Flatten(p.Value, $"{prefix}:{p.Name}", into);
            }
        }
        else
        {
            into[prefix] = element.ToString();
        }
    }
}
