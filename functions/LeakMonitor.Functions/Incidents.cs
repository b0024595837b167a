using LeakMonitor.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeakMonitor.Functions;

/// <summary>The incident routes of <see cref="ApiRoutes"/> beyond the list: one incident, acknowledge, resolve.</summary>
public sealed class Incidents(IncidentsApi incidents)
{
    [Function("GetIncident")]
    public Task<IActionResult> GetIncident(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "incidents/{id}")] HttpRequest req, string id,
        CancellationToken ct)
        => incidents.GetAsync(req, id, ct).AsAction();

    [Function("AcknowledgeIncident")]
    public Task<IActionResult> AcknowledgeIncident(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/acknowledge")] HttpRequest req,
        string id, CancellationToken ct)
        => incidents.AcknowledgeAsync(req, id, ct).AsAction();

    [Function("ResolveIncident")]
    public Task<IActionResult> ResolveIncident(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "incidents/{id}/resolve")] HttpRequest req,
        string id, CancellationToken ct)
        => incidents.ResolveAsync(req, id, ct).AsAction();
}
