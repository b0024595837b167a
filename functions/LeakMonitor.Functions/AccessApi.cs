using LeakMonitor.Core.Api;
using LeakMonitor.Core.Api.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeakMonitor.Functions;

/// <summary>
/// The access routes (see <see cref="AccessRoutes"/>): identity, API keys, teams, audit, bulk registration, OpenAPI.
/// Anonymous at the Functions level like every route: each handler authenticates and authorises the caller itself.
/// </summary>
public sealed class AccessApi(FingerprintsBulkApi bulk, TeamsApi teams, ApiKeysApi keys, AuditApi audit, OpenApiApi openApi)
{
    [Function("RegisterFingerprintsBulk")]
    public Task<IActionResult> RegisterFingerprintsBulk(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fingerprints/bulk")] HttpRequest req, CancellationToken ct)
        => bulk.RegisterAsync(req, ct).AsAction();

    [Function("GetMe")]
    public Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest req, CancellationToken ct)
        => teams.MeAsync(req, ct).AsAction();

    [Function("CreateApiKey")]
    public Task<IActionResult> CreateApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys")] HttpRequest req, CancellationToken ct)
        => keys.CreateAsync(req, ct).AsAction();

    [Function("ListApiKeys")]
    public Task<IActionResult> ListApiKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys")] HttpRequest req, CancellationToken ct)
        => keys.ListAsync(req, ct).AsAction();

    [Function("RevokeApiKey")]
    public Task<IActionResult> RevokeApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "keys/{id}")] HttpRequest req, string id,
        CancellationToken ct)
        => keys.RevokeAsync(req, id, ct).AsAction();

    [Function("CreateTeam")]
    public Task<IActionResult> CreateTeam(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "teams")] HttpRequest req, CancellationToken ct)
        => teams.CreateAsync(req, ct).AsAction();

    [Function("ListTeams")]
    public Task<IActionResult> ListTeams(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "teams")] HttpRequest req, CancellationToken ct)
        => teams.ListAsync(req, ct).AsAction();

    [Function("QueryAudit")]
    public Task<IActionResult> QueryAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest req, CancellationToken ct)
        => audit.QueryAsync(req, ct).AsAction();

    [Function("GetOpenApi")]
    public Task<IActionResult> GetOpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req, CancellationToken ct)
        => openApi.GetAsync(req, ct).AsAction();
}
