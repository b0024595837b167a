using LeakMonitor.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeakMonitor.Functions;

/// <summary>
/// The HTTP API: one function per route of <see cref="ApiRoutes"/>. Functions-level keys are off (Anonymous)
/// because every handler authenticates the caller itself, identically on both hosts.
/// </summary>
public sealed class Api(FingerprintsApi fingerprints, SourcesApi sources, IncidentsApi incidents)
{
    [Function("RegisterFingerprint")]
    public Task<IActionResult> RegisterFingerprint(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fingerprints")] HttpRequest req, CancellationToken ct)
        => fingerprints.RegisterAsync(req, ct).AsAction();

    [Function("ListFingerprints")]
    public Task<IActionResult> ListFingerprints(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fingerprints")] HttpRequest req, CancellationToken ct)
        => fingerprints.ListAsync(req, ct).AsAction();

    [Function("DeleteFingerprint")]
    public Task<IActionResult> DeleteFingerprint(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "fingerprints/{id}")] HttpRequest req, string id,
        CancellationToken ct)
        => fingerprints.DeleteAsync(req, id, ct).AsAction();

    [Function("RegisterSource")]
    public Task<IActionResult> RegisterSource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sources")] HttpRequest req, CancellationToken ct)
        => sources.RegisterAsync(req, ct).AsAction();

    [Function("ListSources")]
    public Task<IActionResult> ListSources(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sources")] HttpRequest req, CancellationToken ct)
        => sources.ListAsync(req, ct).AsAction();

    [Function("DeleteSource")]
    public Task<IActionResult> DeleteSource(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "sources/{id}")] HttpRequest req, string id,
        CancellationToken ct)
        => sources.DeleteAsync(req, id, ct).AsAction();

    [Function("ListIncidents")]
    public Task<IActionResult> ListIncidents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents")] HttpRequest req, CancellationToken ct)
        => incidents.ListAsync(req, ct).AsAction();

    [Function("GetWebhookKey")]
    public Task<IActionResult> GetWebhookKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "webhook-key")] HttpRequest req, CancellationToken ct)
        => incidents.GetWebhookKeyAsync(req, ct).AsAction();
}

/// <summary>Runs a Core <see cref="IResult"/> through the Functions ASP.NET Core integration, which speaks IActionResult.</summary>
internal static class ResultAdapter
{
    public static async Task<IActionResult> AsAction(this Task<IResult> result) => new Executed(await result.ConfigureAwait(false));

    private sealed class Executed(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
