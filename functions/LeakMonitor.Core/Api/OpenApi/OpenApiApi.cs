using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api.OpenApi;

/// <summary>
/// <c>GET /api/openapi.json</c>: an OpenAPI 3.1 document generated from <see cref="ApiRoutes.All"/> (so it lists every
/// route either host serves) plus the handwritten descriptions and schemas in <see cref="ApiDescriptions"/>. A route
/// without a description still appears, marked undocumented, and a test fails until it is described.
/// </summary>
public sealed class OpenApiApi(ApiRequests requests)
{
    private static readonly Lazy<string> Document = new(() => Build().ToJsonString());

    public Task<IResult> GetAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member,
            _ => Task.FromResult(Results.Text(Document.Value, "application/json")));

    public static JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var route in ApiRoutes.All)
        {
            var path = $"/{ApiRoutes.Prefix}/{route.Template}";
            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = new JsonObject();
            }
            var described = ApiDescriptions.Routes.TryGetValue(route.Name, out var d);
            var operation = new JsonObject
            {
                ["operationId"] = route.Name,
                ["summary"] = described ? d!.Summary : "(undocumented)",
                ["description"] = described ? $"Requires the {d!.Role.Name()} role (or higher)." : "",
                ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
                ["responses"] = Responses(described ? d! : null),
            };
            if (route.Template.Contains("{id}", StringComparison.Ordinal))
            {
                operation["parameters"] = new JsonArray(new JsonObject
                {
                    ["name"] = "id", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" },
                });
            }
            if (described && d!.Query.Length > 0)
            {
                var parameters = operation["parameters"] as JsonArray ?? [];
                foreach (var (name, description) in d.Query)
                {
                    parameters.Add(new JsonObject
                    {
                        ["name"] = name, ["in"] = "query", ["required"] = false, ["description"] = description,
                        ["schema"] = new JsonObject { ["type"] = "string" },
                    });
                }
                operation["parameters"] = parameters;
            }
            if (described && d!.Request is { } body)
            {
                operation["requestBody"] = new JsonObject
                {
                    ["required"] = true,
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(body) } },
                };
            }
            item[route.Method.ToLowerInvariant()] = operation;
        }
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "LeakMonitor API",
                ["version"] = "1",
                ["description"] = "Register fingerprints of secrets (never the secrets), sources to crawl, and read " +
                    "incidents. Authenticate with an API key (lmk_...) or a Microsoft Entra ID access token as " +
                    "'Authorization: Bearer <credential>'. Errors are application/problem+json.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http", ["scheme"] = "bearer",
                        ["description"] = "A team API key (lmk_<id>_<secret>) or an Entra ID access token for the API's audience.",
                    },
                },
                ["schemas"] = ApiDescriptions.Schemas(),
            },
        };
    }

    private static JsonObject Responses(ApiDescription? d)
    {
        var responses = new JsonObject();
        var success = new JsonObject { ["description"] = d?.SuccessDescription ?? "Success" };
        if (d?.Response is { } schema)
        {
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref(schema) } };
        }
        responses[(d?.SuccessStatus ?? 200).ToString(System.Globalization.CultureInfo.InvariantCulture)] = success;
        foreach (var (status, description) in new[]
                 {
                     ("400", "Invalid request: 'errors' names each field"), ("401", "No or invalid credential"),
                     ("403", "The credential's role is not enough"), ("404", "No such id for your team"),
                     ("429", "Rate limited: see Retry-After"),
                 })
        {
            responses[status] = new JsonObject
            {
                ["description"] = description,
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref("Problem") } },
            };
        }
        return responses;
    }

    private static JsonObject Ref(string schema) => schema.EndsWith("[]", StringComparison.Ordinal)
        ? new JsonObject { ["type"] = "array", ["items"] = Ref(schema[..^2]) }
        : new JsonObject { ["$ref"] = $"#/components/schemas/{schema}" };
}
