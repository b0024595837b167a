using LeakMonitor.Core.Api;
using LeakMonitor.Core.Api.Audit;
using LeakMonitor.Core.Api.Auth;
using LeakMonitor.Core.Api.OpenApi;
using LeakMonitor.Core.Crawling;
using LeakMonitor.Core.Detection;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Response;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core;

/// <summary>The one composition root: the Functions app, the local host and the integration tests all call it.</summary>
public static class LeakMonitorServices
{
    public static IServiceCollection AddLeakMonitor(this IServiceCollection services, IConfiguration configuration)
    {
        AddOptions<QueueOptions>(services, configuration, QueueOptions.Section);
        AddOptions<StorageOptions>(services, configuration, StorageOptions.Section);
        AddOptions<CrawlOptions>(services, configuration, CrawlOptions.Section);
        AddOptions<FingerprintOptions>(services, configuration, FingerprintOptions.Section);
        AddOptions<WebhookOptions>(services, configuration, WebhookOptions.Section);
        AddOptions<AlertOptions>(services, configuration, AlertOptions.Section);
        AddOptions<GitHubOptions>(services, configuration, GitHubOptions.Section);
        AddOptions<OutboundOptions>(services, configuration, OutboundOptions.Section);
        AddOptions<ApiOptions>(services, configuration, ApiOptions.Section);
        AddOptions<EntraOptions>(services, configuration, EntraOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton<StorageNames>();
        services.AddSingleton<StorageClients>();
        services.AddSingleton<MessageQueue>();
        services.AddSingleton<PoisonQueues>();
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<RegistryStore>();
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<CrawlState>();
        services.AddHostedService<StorageInitializer>();
        services.AddSingleton(sp => FingerprintKeys.From(sp.GetRequiredService<IOptions<FingerprintOptions>>()));
        services.AddSingleton(sp => new WebhookSigner(
            FingerprintKeys.DecodeKey(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.SigningKey,
                "Webhooks:SigningKey", minBytes: 32, typeof(WebhookOptions)) ?? WebhookSigner.DevelopmentKey));
        services.AddSingleton(sp => new OutboundGuard(sp.GetRequiredService<IOptions<OutboundOptions>>().Value.AllowedHosts));

        services.AddSingleton<CrawlerHttp>();
        services.AddSingleton<HostPipelines>();
        // Calls made on a team's behalf: each through the outbound guard (https, public addresses, allowlist).
        AddGuardedClient(services, WebhookSender.ClientName, "LeakMonitor-Webhook/1.0");
        AddGuardedClient(services, AlertSender.ClientName, "LeakMonitor-Alerts/1.0");
        AddGuardedClient(services, GitHubRevoker.ClientName, "LeakMonitor-Revocation/1.0");

        services.AddSingleton<Fetcher>();
        services.AddSingleton<CrawlScheduler>();
        services.AddSingleton<CrawlSourceHandler>();
        services.AddSingleton<RegistryIndex>();
        services.AddSingleton<MatchDocumentHandler>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton(sp => new ChannelRateLimiter(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AlertOptions>>().Value.ChannelInterval));
        services.AddSingleton<AlertSender>();
        services.AddSingleton<GitHubRevoker>();
        services.AddSingleton<HitHandler>();
        services.AddSingleton<ApiAuth>();
        services.AddSingleton<ApiRequests>();
        services.AddSingleton<FingerprintsApi>();
        services.AddSingleton<SourcesApi>();
        services.AddSingleton<IncidentsApi>();
        AddAccess(services);
        return services;
    }

    /// <summary>Identity, rate limits, audit, and the access routes (issue 6).</summary>
    private static void AddAccess(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<EntraOptions>, EntraOptionsValidator>();
        services.AddHttpClient(nameof(EntraTokenValidator), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<AccessTables>();
        services.AddSingleton<AccessStore>();
        services.AddSingleton<EntraTokenValidator>();
        services.AddSingleton<ApiRateLimiter>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<FingerprintsBulkApi>();
        services.AddSingleton<ApiKeysApi>();
        services.AddSingleton<TeamsApi>();
        services.AddSingleton<AuditApi>();
        services.AddSingleton<OpenApiApi>();
    }

    private static void AddGuardedClient(IServiceCollection services, string name, string userAgent)
        => services.AddHttpClient(name, client =>
            {
                client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
                client.Timeout = Timeout.InfiniteTimeSpan; // Polly pipelines own the timeouts
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler());

    private static void AddOptions<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class
        => services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
