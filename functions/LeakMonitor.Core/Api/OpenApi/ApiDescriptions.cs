using System.Text.Json.Nodes;

namespace LeakMonitor.Core.Api.OpenApi;

/// <summary>What the OpenAPI document says about one route.</summary>
public sealed record ApiDescription(
    string Summary, Role Role, string? Request = null, string? Response = null, int SuccessStatus = 200,
    string? SuccessDescription = null, (string Name, string Description)[]? QueryParameters = null)
{
    public (string Name, string Description)[] Query => QueryParameters ?? [];
}

/// <summary>Handwritten descriptions and schemas of the API, by route name (see <see cref="ApiRoutes"/>).</summary>
public static class ApiDescriptions
{
    public static readonly IReadOnlyDictionary<string, ApiDescription> Routes = new Dictionary<string, ApiDescription>
    {
        ["RegisterFingerprint"] = new("Register one fingerprint (never a secret)", Role.Member,
            "FingerprintRegistration", "Fingerprint", 201),
        ["ListFingerprints"] = new("The team's registered fingerprints (never a hash)", Role.Member, Response: "Fingerprint[]"),
        ["DeleteFingerprint"] = new("Delete a fingerprint", Role.Member, SuccessStatus: 204, SuccessDescription: "Deleted"),
        ["RegisterFingerprintsBulk"] = new("Register up to 10,000 fingerprints at once; idempotent (stable ids)",
            Role.Member, "BulkRegistration", "BulkResult"),
        ["RegisterSource"] = new("Add a source to crawl", Role.Member, "SourceRegistration", "Source", 201),
        ["ListSources"] = new("The team's sources with crawl health", Role.Member, Response: "Source[]"),
        ["DeleteSource"] = new("Delete a source", Role.Member, SuccessStatus: 204, SuccessDescription: "Deleted"),
        ["ListIncidents"] = new("The team's incidents, newest first (reads are audited)", Role.Member, Response: "Incident[]"),
        ["GetIncident"] = new("One incident with its occurrences (reads are audited)", Role.Member, Response: "Incident"),
        ["AcknowledgeIncident"] = new("Acknowledge an incident: someone is on it", Role.Member, "IncidentNote", "Incident"),
        ["ResolveIncident"] = new("Resolve an incident: the secret is rotated", Role.Member, "IncidentNote", "Incident"),
        ["GetWebhookKey"] = new("The team's webhook verification key", Role.TeamAdmin, Response: "WebhookKey"),
        ["GetMe"] = new("Who the API takes you for: team, role, credential", Role.Member, Response: "Me"),
        ["CreateApiKey"] = new("Create an API key; the key is in this answer only", Role.TeamAdmin,
            "ApiKeyCreation", "CreatedApiKey", 201),
        ["ListApiKeys"] = new("The team's API keys (ids, never keys)", Role.TeamAdmin, Response: "ApiKey[]",
            QueryParameters: [("team", "another team (platform admins only)")]),
        ["RevokeApiKey"] = new("Revoke an API key at once", Role.TeamAdmin, SuccessStatus: 204, SuccessDescription: "Revoked"),
        ["CreateTeam"] = new("Create a team", Role.PlatformAdmin, "TeamCreation", "Team", 201),
        ["ListTeams"] = new("Every team", Role.PlatformAdmin, Response: "Team[]"),
        ["QueryAudit"] = new("The audit trail, newest first", Role.PlatformAdmin, Response: "AuditEntry[]",
            QueryParameters:
            [
                ("team", "only this team"), ("actor", "only this subject, e.g. key:<id> or entra:<object id>"),
                ("action", "substring of the action, e.g. fingerprints"), ("outcome", "success, denied, rejected or error"),
                ("since", "ISO 8601; default 7 days before until"), ("until", "ISO 8601; default now"),
                ("limit", "1-1000, default 200"),
            ]),
        ["GetOpenApi"] = new("This document", Role.Member),
    };

    public static JsonObject Schemas() => new()
    {
        ["Problem"] = Obj(null, ("type", S()), ("title", S()), ("status", I()), ("detail", S()),
            ("errors", new JsonObject { ["type"] = "object", ["additionalProperties"] = Arr(S()) })),
        ["FingerprintRegistration"] = Obj(["label", "fingerprint", "length"],
            ("label", S("at most 200 characters")), ("fingerprint", S("fpv1:<base64url>, from leakmon fingerprint")),
            ("length", I("the secret's length in UTF-8 bytes")), ("webhookUrl", S("https rotation webhook")),
            ("epoch", I("salt epoch the fingerprint was made with; absent = 1"))),
        ["Fingerprint"] = Obj(null, ("id", S()), ("label", S()), ("version", S()), ("length", I()),
            ("webhookUrl", S()), ("createdAt", T())),
        ["BulkRegistration"] = Obj(["fingerprints"],
            ("fingerprints", Arr(Obj(["label", "fingerprint", "length"], ("label", S()), ("fingerprint", S()),
                ("length", I()), ("epoch", I()), ("owner", S()), ("kind", S()), ("webhookUrl", S()),
                ("prefilter", S("pfv1 tag from leakmon fingerprint")),
                ("responders", Arr(Obj(["type"], ("type", S("webhook, slack, teams or github")), ("url", S()))))))),
            ("webhookUrl", S("default webhook for items that name none"))),
        ["BulkResult"] = Obj(null, ("count", I()), ("duplicatesInRequest", I()),
            ("items", Arr(Obj(null, ("id", S()), ("label", S()))))),
        ["SourceRegistration"] = Obj(["name", "kind", "url"], ("name", S()), ("kind", S("feed or urls")),
            ("url", S()), ("intervalMinutes", I()), ("enabled", new JsonObject { ["type"] = "boolean" })),
        ["Source"] = Obj(null, ("id", S()), ("name", S()), ("kind", S()), ("url", S()), ("intervalMinutes", I()),
            ("enabled", new JsonObject { ["type"] = "boolean" }), ("health", new JsonObject { ["type"] = "object" })),
        ["Incident"] = Obj(null, ("id", S()), ("secretId", S()), ("label", S()), ("status", S()), ("sourceId", S()),
            ("url", S()), ("line", I()), ("offset", I()), ("decoderChain", S()), ("detectedAt", T()),
            ("webhook", new JsonObject { ["type"] = "object" })),
        ["IncidentNote"] = Obj(null, ("note", S("optional, never a secret"))),
        ["WebhookKey"] = Obj(null, ("team", S()), ("algorithm", S()), ("key", S("base64")), ("signedPayload", S()),
            ("headers", Arr(S()))),
        ["Me"] = Obj(null, ("team", S()), ("role", S()), ("subject", S()), ("method", S()), ("keyId", S()),
            ("expiresAt", T())),
        ["ApiKeyCreation"] = Obj(["name"], ("name", S()), ("role", S("member (default), team-admin or platform-admin")),
            ("team", S("default: your team; another team needs platform-admin")), ("expiresInDays", I())),
        ["CreatedApiKey"] = Obj(null, ("id", S()), ("key", S("lmk_<id>_<secret>: shown once")), ("team", S()),
            ("role", S()), ("name", S()), ("createdAt", T()), ("expiresAt", T())),
        ["ApiKey"] = Obj(null, ("id", S()), ("team", S()), ("role", S()), ("name", S()), ("createdAt", T()),
            ("createdBy", S()), ("expiresAt", T()), ("revokedAt", T()), ("state", S("active, expired or revoked"))),
        ["TeamCreation"] = Obj(["id"], ("id", S("lowercase letters, digits, dashes")), ("name", S())),
        ["Team"] = Obj(null, ("id", S()), ("name", S()), ("createdAt", T()), ("createdBy", S())),
        ["AuditEntry"] = Obj(null, ("at", T()), ("actor", S()), ("team", S()), ("role", S()), ("authMethod", S()),
            ("action", S()), ("path", S()), ("target", S("id created by the request")), ("status", I()), ("outcome", S()), ("remoteIp", S()),
            ("forwardedFor", S()), ("userAgent", S())),
    };

    private static JsonObject S(string? description = null) => Typed("string", description);

    private static JsonObject I(string? description = null) => Typed("integer", description);

    private static JsonObject T() => new() { ["type"] = "string", ["format"] = "date-time" };

    private static JsonObject Arr(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Typed(string type, string? description)
    {
        var o = new JsonObject { ["type"] = type };
        if (description is not null)
        {
            o["description"] = description;
        }
        return o;
    }

    private static JsonObject Obj(string[]? required, params (string Name, JsonObject Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }
        var o = new JsonObject { ["type"] = "object", ["properties"] = props };
        if (required is not null)
        {
            o["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        }
        return o;
    }
}
