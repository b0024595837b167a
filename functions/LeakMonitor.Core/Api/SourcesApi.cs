using System.Text.Json;
using LeakMonitor.Core.Api.Auth;
using LeakMonitor.Core.Crawling;
using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api;

public sealed record RegisterSourceRequest(string? Name, string? Kind, string? Url, int? IntervalMinutes, bool? Enabled,
    JsonElement? Config, bool? Global = null);

/// <summary>
/// <c>/api/sources</c>: what a team crawls, with each source's health. <c>POST</c> takes one source, or an array of
/// them (all valid, or none is added) — e.g. the shipped <c>default-sources.json</c>.
/// </summary>
public sealed class SourcesApi(ApiRequests requests, RegistryStore registry, OutboundGuard guard,
    IOptions<CrawlOptions> crawl, TimeProvider time)
{
    public const int MaxSourcesPerRequest = 100;

    public Task<IResult> RegisterAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var (body, problem) = await ApiRequests.ReadBodyAsync<JsonDocument>(request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            using var document = body!;
            var root = document.RootElement;
            var many = root.ValueKind == JsonValueKind.Array;
            if (!many && root.ValueKind != JsonValueKind.Object)
            {
                return Problems.BadRequest("The body must be a source (a JSON object) or an array of sources.");
            }
            var elements = many ? root.EnumerateArray().ToList() : [root];
            if (elements.Count is 0 or > MaxSourcesPerRequest)
            {
                return Problems.BadRequest($"Send between 1 and {MaxSourcesPerRequest} sources.");
            }
            var errors = new Dictionary<string, string[]>();
            var entities = new List<SourceEntity>();
            for (var i = 0; i < elements.Count; i++)
            {
                var prefix = many ? $"[{i}]." : "";
                RegisterSourceRequest? source;
                try
                {
                    source = elements[i].ValueKind == JsonValueKind.Object
                        ? elements[i].Deserialize<RegisterSourceRequest>(ApiRequests.Json) : null;
                }
                catch (JsonException e)
                {
                    errors[$"{prefix}body"] = [e.Message];
                    continue;
                }
                if (source is null)
                {
                    errors[$"{prefix}body"] = ["must be a JSON object"];
                    continue;
                }
                if (source.Global == true && caller.Role < Role.PlatformAdmin)
                {
                    return AccessProblems.Forbidden("Only a platform admin registers global sources (crawled for every team).");
                }
                var owner = source.Global == true ? SourceEntity.GlobalPartition : caller.Team;
                if (Validate(source, owner) is var (entity, problems) && problems.Count > 0)
                {
                    foreach (var (field, messages) in problems)
                    {
                        errors[prefix + field] = messages;
                    }
                }
                else
                {
                    entities.Add(entity!);
                }
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            foreach (var entity in entities)
            {
                await registry.AddSourceAsync(entity, ct).ConfigureAwait(false);
            }
            return many
                ? Results.Json(entities.Select(SourceView), ApiRequests.Json, statusCode: StatusCodes.Status201Created)
                : Results.Json(SourceView(entities[0]), ApiRequests.Json, statusCode: StatusCodes.Status201Created);
        });

    private (SourceEntity? Entity, Dictionary<string, string[]> Errors) Validate(RegisterSourceRequest body, string team)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            errors["name"] = ["is required, at most 200 characters"];
        }
        if (body.Kind is null || !SourceKinds.All.Contains(body.Kind))
        {
            errors["kind"] = [$"must be one of: {string.Join(", ", SourceKinds.All)}"];
        }
        if (guard.ValidateSource(body.Url) is { } urlError)
        {
            errors["url"] = [urlError];
        }
        if (body.IntervalMinutes is < 1 or > 100_000)
        {
            errors["intervalMinutes"] = ["must be between 1 and 100000"];
        }
        var config = SourceConfig.Empty;
        if (body.Kind is not null && SourceKinds.All.Contains(body.Kind))
        {
            foreach (var (field, messages) in SourceConfig.Validate(body.Kind, body.Config, crawl.Value, out config))
            {
                errors[field] = messages;
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new SourceEntity
        {
            PartitionKey = team,
            RowKey = Guid.NewGuid().ToString("N"),
            Name = body.Name!.Trim(),
            Kind = body.Kind!,
            Url = body.Url!,
            IntervalMinutes = body.IntervalMinutes ?? 0,
            Enabled = body.Enabled ?? true,
            Config = ReferenceEquals(config, SourceConfig.Empty) ? "" : config.Serialize(),
            CreatedAt = time.GetUtcNow(),
        }, errors);
    }

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            // A team sees its own sources and the global ones every team benefits from.
            var list = await registry.ListSourcesAsync(caller.Team, ct).ConfigureAwait(false);
            list.AddRange(await registry.ListSourcesAsync(SourceEntity.GlobalPartition, ct).ConfigureAwait(false));
            return Results.Json(list.OrderBy(s => s.CreatedAt).Select(SourceView), ApiRequests.Json);
        });

    public Task<IResult> DeleteAsync(HttpRequest request, string id, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
            await registry.DeleteSourceAsync(caller.Team, id, ct).ConfigureAwait(false)
            || (caller.Role >= Role.PlatformAdmin
                && await registry.DeleteSourceAsync(SourceEntity.GlobalPartition, id, ct).ConfigureAwait(false))
                ? Results.NoContent()
                : Problems.NotFound("Source", id));

    private static object SourceView(SourceEntity s) => new
    {
        id = s.RowKey,
        name = s.Name,
        kind = s.Kind,
        global = s.PartitionKey == SourceEntity.GlobalPartition,
        url = s.Url,
        intervalMinutes = s.IntervalMinutes,
        enabled = s.Enabled,
        config = s.Config.Length > 0 ? JsonDocument.Parse(s.Config).RootElement.Clone() : (JsonElement?)null,
        health = new
        {
            lastScheduledAt = s.LastScheduledAt,
            lastSuccessAt = s.LastSuccessAt,
            lastFailureAt = s.LastFailureAt,
            lastError = s.LastError,
            consecutiveFailures = s.ConsecutiveFailures,
            lastOutcome = s.LastOutcome,
        },
        state = new
        {
            etag = s.ListingETag,
            lastModified = s.ListingLastModified,
            cursor = s.Cursor,
        },
    };
}
