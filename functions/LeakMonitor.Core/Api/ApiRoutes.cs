using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.Core.Api;

/// <summary>One HTTP route: the Functions app declares a function per route, the local host maps the same table.</summary>
public sealed record ApiRoute(
    string Name, string Method, string Template,
    Func<IServiceProvider, HttpRequest, string?, CancellationToken, Task<IResult>> Invoke);

/// <summary>
/// The HTTP API, under <c>/api</c> on both hosts. A test compares this table with the Functions app's generated
/// functions.metadata, so the two hosts cannot drift.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("RegisterFingerprint", "POST", "fingerprints", (sp, r, _, ct) => sp.Get<FingerprintsApi>().RegisterAsync(r, ct)),
        new("ListFingerprints", "GET", "fingerprints", (sp, r, _, ct) => sp.Get<FingerprintsApi>().ListAsync(r, ct)),
        new("DeleteFingerprint", "DELETE", "fingerprints/{id}", (sp, r, id, ct) => sp.Get<FingerprintsApi>().DeleteAsync(r, id!, ct)),
        new("RegisterSource", "POST", "sources", (sp, r, _, ct) => sp.Get<SourcesApi>().RegisterAsync(r, ct)),
        new("ListSources", "GET", "sources", (sp, r, _, ct) => sp.Get<SourcesApi>().ListAsync(r, ct)),
        new("DeleteSource", "DELETE", "sources/{id}", (sp, r, id, ct) => sp.Get<SourcesApi>().DeleteAsync(r, id!, ct)),
        new("ListIncidents", "GET", "incidents", (sp, r, _, ct) => sp.Get<IncidentsApi>().ListAsync(r, ct)),
        new("GetIncident", "GET", "incidents/{id}", (sp, r, id, ct) => sp.Get<IncidentsApi>().GetAsync(r, id!, ct)),
        new("AcknowledgeIncident", "POST", "incidents/{id}/acknowledge", (sp, r, id, ct) => sp.Get<IncidentsApi>().AcknowledgeAsync(r, id!, ct)),
        new("ResolveIncident", "POST", "incidents/{id}/resolve", (sp, r, id, ct) => sp.Get<IncidentsApi>().ResolveAsync(r, id!, ct)),
        new("GetWebhookKey", "GET", "webhook-key", (sp, r, _, ct) => sp.Get<IncidentsApi>().GetWebhookKeyAsync(r, ct)),
        // Access (issue 6): identity, keys, teams, audit, bulk registration, OpenAPI. See AccessRoutes.
        .. AccessRoutes.All,
    ];
}

internal static class ServiceProviderExtensions
{
    public static T Get<T>(this IServiceProvider services) where T : notnull => services.GetRequiredService<T>();
}
