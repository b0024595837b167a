using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary>One HTTP route: the Functions app declares a function per route, the local host maps the same table.</summary>
public sealed record ApiRoute(
    string Name, string Method, string Template,
    Func<LeakMonitorApi, HttpRequest, string?, CancellationToken, Task<IResult>> Invoke);

/// <summary>
/// The HTTP API, under <c>/api</c> on both hosts. A test compares this table with the Functions app's generated
/// functions.metadata, so the two hosts cannot drift.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("RegisterFingerprint", "POST", "fingerprints", (api, r, _, ct) => api.RegisterFingerprintAsync(r, ct)),
        new("ListFingerprints", "GET", "fingerprints", (api, r, _, ct) => api.ListFingerprintsAsync(r, ct)),
        new("DeleteFingerprint", "DELETE", "fingerprints/{id}", (api, r, id, ct) => api.DeleteFingerprintAsync(r, id!, ct)),
        new("RegisterSource", "POST", "sources", (api, r, _, ct) => api.RegisterSourceAsync(r, ct)),
        new("ListSources", "GET", "sources", (api, r, _, ct) => api.ListSourcesAsync(r, ct)),
        new("DeleteSource", "DELETE", "sources/{id}", (api, r, id, ct) => api.DeleteSourceAsync(r, id!, ct)),
        new("ListIncidents", "GET", "incidents", (api, r, _, ct) => api.ListIncidentsAsync(r, ct)),
        new("GetWebhookKey", "GET", "webhook-key", (api, r, _, ct) => api.GetWebhookKeyAsync(r, ct)),
    ];
}
