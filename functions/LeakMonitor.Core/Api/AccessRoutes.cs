namespace LeakMonitor.Core.Api;

/// <summary>
/// Routes of the access layer (identity, API keys, teams, audit), bulk registration and the OpenAPI document; part of
/// <see cref="ApiRoutes.All"/>, kept apart so other route additions merge cleanly.
/// </summary>
public static class AccessRoutes
{
    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("RegisterFingerprintsBulk", "POST", "fingerprints/bulk", (sp, r, _, ct) => sp.Get<FingerprintsBulkApi>().RegisterAsync(r, ct)),
        new("GetMe", "GET", "me", (sp, r, _, ct) => sp.Get<TeamsApi>().MeAsync(r, ct)),
        new("CreateApiKey", "POST", "keys", (sp, r, _, ct) => sp.Get<ApiKeysApi>().CreateAsync(r, ct)),
        new("ListApiKeys", "GET", "keys", (sp, r, _, ct) => sp.Get<ApiKeysApi>().ListAsync(r, ct)),
        new("RevokeApiKey", "DELETE", "keys/{id}", (sp, r, id, ct) => sp.Get<ApiKeysApi>().RevokeAsync(r, id!, ct)),
        new("CreateTeam", "POST", "teams", (sp, r, _, ct) => sp.Get<TeamsApi>().CreateAsync(r, ct)),
        new("ListTeams", "GET", "teams", (sp, r, _, ct) => sp.Get<TeamsApi>().ListAsync(r, ct)),
        new("QueryAudit", "GET", "audit", (sp, r, _, ct) => sp.Get<AuditApi>().QueryAsync(r, ct)),
        new("GetOpenApi", "GET", "openapi.json", (sp, r, _, ct) => sp.Get<OpenApi.OpenApiApi>().GetAsync(r, ct)),
    ];
}
