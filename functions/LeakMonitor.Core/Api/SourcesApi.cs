using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

public sealed record RegisterSourceRequest(string? Name, string? Kind, string? Url, int? IntervalMinutes, bool? Enabled);

/// <summary><c>/api/sources</c>: what a team crawls, with each source's health.</summary>
public sealed class SourcesApi(ApiRequests requests, RegistryStore registry, OutboundGuard guard, TimeProvider time)
{
    public Task<IResult> RegisterAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var (body, problem) = await ApiRequests.ReadBodyAsync<RegisterSourceRequest>(request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 200)
            {
                errors["name"] = ["is required, at most 200 characters"];
            }
            if (body.Kind is null || !SourceKinds.All.Contains(body.Kind))
            {
                errors["kind"] = [$"must be one of: {string.Join(", ", SourceKinds.All)}"];
            }
            if (guard.Validate(body.Url) is { } urlError)
            {
                errors["url"] = [urlError];
            }
            if (body.IntervalMinutes is < 1 or > 100_000)
            {
                errors["intervalMinutes"] = ["must be between 1 and 100000"];
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            var entity = new SourceEntity
            {
                PartitionKey = caller.Team,
                RowKey = Guid.NewGuid().ToString("N"),
                Name = body.Name!.Trim(),
                Kind = body.Kind!,
                Url = body.Url!,
                IntervalMinutes = body.IntervalMinutes ?? 0,
                Enabled = body.Enabled ?? true,
                CreatedAt = time.GetUtcNow(),
            };
            await registry.AddSourceAsync(entity, ct).ConfigureAwait(false);
            return Results.Json(SourceView(entity), ApiRequests.Json, statusCode: StatusCodes.Status201Created);
        });

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var list = await registry.ListSourcesAsync(caller.Team, ct).ConfigureAwait(false);
            return Results.Json(list.OrderBy(s => s.CreatedAt).Select(SourceView), ApiRequests.Json);
        });

    public Task<IResult> DeleteAsync(HttpRequest request, string id, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
            await registry.DeleteSourceAsync(caller.Team, id, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.NotFound("Source", id));

    private static object SourceView(SourceEntity s) => new
    {
        id = s.RowKey,
        name = s.Name,
        kind = s.Kind,
        url = s.Url,
        intervalMinutes = s.IntervalMinutes,
        enabled = s.Enabled,
        health = new
        {
            lastScheduledAt = s.LastScheduledAt,
            lastSuccessAt = s.LastSuccessAt,
            lastFailureAt = s.LastFailureAt,
            lastError = s.LastError,
            consecutiveFailures = s.ConsecutiveFailures,
        },
    };
}
