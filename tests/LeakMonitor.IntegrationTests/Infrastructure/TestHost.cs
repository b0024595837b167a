using System.Net.Http.Headers;
using LeakMonitor.Core;
using LeakMonitor.Core.Storage;
using LeakMonitor.LocalHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The real local host (WebJobs triggers + Kestrel API), built by the same LocalHostBuilder as <c>leakmon serve</c>,
/// on Azurite, with its own queue/table names so tests never see each other's data.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost host;

    private TestHost(IHost host, string prefix, Dictionary<string, string?> settings, Uri apiBase, string apiKey,
        CapturedLogs logs)
    {
        this.host = host;
        Prefix = prefix;
        Settings = settings;
        Logs = logs;
        Api = new HttpClient { BaseAddress = apiBase };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public string Prefix { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }
    public CapturedLogs Logs { get; }
    /// <summary>An API client already carrying the bootstrap key.</summary>
    public HttpClient Api { get; }
    public IServiceProvider Services => host.Services;
    public StorageAccount Storage => host.Services.GetRequiredService<StorageAccount>();
    /// <summary>Reads everything this host stored (its prefix only).</summary>
    public StorageProbe Probe => new(Storage, Prefix);
    public string Queue(string name) => Settings[$"Queues:{name}"]!;
    /// <summary>The host's own document store (claim-check blobs), as the crawler writes them.</summary>
    public DocumentStore Documents => host.Services.GetRequiredService<DocumentStore>();
    public Azure.Storage.Blobs.BlobContainerClient DocumentsContainer
        => Storage.Blobs.GetBlobContainerClient(host.Services.GetRequiredService<StorageNames>().DocumentsContainer);

    public static Task<TestHost> StartAsync(AzuriteFixture azurite, Action<Dictionary<string, string?>>? configure = null)
        => StartAsync(azurite.ConnectionString, configure);

    public static async Task<TestHost> StartAsync(string storageConnectionString,
        Action<Dictionary<string, string?>>? configure = null)
    {
        var prefix = NewPrefix();
        var apiKey = "test-api-key-" + prefix;
        var port = LoopbackPorts.Free();
        var settings = DefaultSettings(storageConnectionString, prefix, apiKey);
        configure?.Invoke(settings);
        var configuration = LocalHostBuilder.BuildConfiguration(localSettingsFile: null, settings, includeEnvironment: false);
        var logs = new CapturedLogs();
        var urls = $"http://127.0.0.1:{port}";
        var host = LocalHostBuilder.Build(configuration, urls,
            services =>
            {
                // Logs go to the capture (searched for planted secrets), not to the test runner's console.
                services.RemoveAll<ILoggerProvider>();
                services.AddSingleton<ILoggerProvider>(logs);
            });
        await host.StartAsync();
        return new TestHost(host, prefix, settings, new Uri(urls + "/api/"), apiKey, logs);
    }

    /// <summary>A fresh prefix for queue, table and container names, so tests never see each other's data.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The settings every test host runs with (in process here, or as a <c>leakmon serve</c> process).</summary>
    public static Dictionary<string, string?> DefaultSettings(string storageConnectionString, string prefix, string apiKey)
        => new()
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Storage:Prefix"] = prefix,
            ["Queues:CrawlJobs"] = $"{prefix}-crawl-jobs",
            ["Queues:Documents"] = $"{prefix}-documents",
            ["Queues:Hits"] = $"{prefix}-hits",
            ["Crawl:Schedule"] = "*/1 * * * * *",
            ["Crawl:RequestTimeout"] = "00:00:05",
            ["Fingerprints:RegistryRefreshInterval"] = "00:00:01",
            ["Api:BootstrapKey"] = apiKey,
            ["Api:BootstrapTeam"] = "blue-team",
            ["Outbound:AllowedHosts"] = "127.0.0.1,localhost",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.200",
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3",
        };

    /// <summary>Waits until the matcher's in-memory index holds <paramref name="count"/> fingerprints (it refreshes
    /// on a timer), so documents sent next are matched against all of them.</summary>
    public Task WaitForRegistryAsync(int count)
        => Eventually.UntilAsync(() => Services.GetRequiredService<Core.Detection.RegistryIndex>().GetAsync(default),
            index => index.Count == count, TimeSpan.FromSeconds(30), $"the matcher's index to hold {count} fingerprints");

    /// <summary>Every message text in this host's queues (and their poison twins).</summary>
    public Task<List<string>> PeekAllQueuesAsync() => Probe.PeekAllQueuesAsync();

    public Task<int> QueueLengthAsync(string queueName) => Probe.QueueLengthAsync(queueName);

    /// <summary>Every property of every entity in this host's tables, as text.</summary>
    public Task<List<string>> DumpAllTablesAsync() => Probe.DumpAllTablesAsync();

    /// <summary>An API client for another credential (null: none at all).</summary>
    public HttpClient Client(string? credential)
    {
        var client = new HttpClient { BaseAddress = Api.BaseAddress };
        if (credential is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
        return client;
    }

    /// <summary>Every blob in this host's containers, as text.</summary>
    public Task<List<string>> DumpAllBlobsAsync() => Probe.DumpAllBlobsAsync();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await host.StopAsync(TimeSpan.FromSeconds(10));
        host.Dispose();
    }
}
