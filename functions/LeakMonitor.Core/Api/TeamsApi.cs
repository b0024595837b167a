using LeakMonitor.Core.Api.Auth;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

public sealed record CreateTeamRequest(string? Id, string? Name);

/// <summary><c>/api/teams</c>: platform admins create teams (then their first team-admin key with POST /api/keys).</summary>
public sealed class TeamsApi(ApiRequests requests, AccessStore store, TimeProvider time)
{
    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.PlatformAdmin, async caller =>
        {
            var (body, problem) = await ApiRequests.ReadBodyAsync<CreateTeamRequest>(request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            var errors = new Dictionary<string, string[]>();
            if (!TeamNames.IsValid(body!.Id))
            {
                errors["id"] = ["is required: 1-63 lowercase letters, digits and dashes, starting with a letter or digit"];
            }
            if (body.Name is { Length: > 200 })
            {
                errors["name"] = ["must be at most 200 characters"];
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            var team = new TeamEntity
            {
                RowKey = body.Id!,
                Name = string.IsNullOrWhiteSpace(body.Name) ? body.Id! : body.Name.Trim(),
                CreatedAt = time.GetUtcNow(),
                CreatedBy = caller.Subject,
            };
            return await store.TryAddTeamAsync(team, ct).ConfigureAwait(false)
                ? Results.Json(View(team), ApiRequests.Json, statusCode: StatusCodes.Status201Created)
                : AccessProblems.Conflict($"Team '{team.RowKey}' exists already.");
        });

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.PlatformAdmin, async _ =>
            Results.Json((await store.ListTeamsAsync(ct).ConfigureAwait(false)).OrderBy(t => t.RowKey).Select(View),
                ApiRequests.Json));

    /// <summary><c>GET /api/me</c>: who the API thinks you are (what <c>leakmon login</c> checks).</summary>
    public Task<IResult> MeAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, caller => Task.FromResult(Results.Json(new
        {
            team = caller.Team,
            role = caller.Role.Name(),
            subject = caller.Subject,
            method = caller.Method,
            keyId = caller.KeyId,
            expiresAt = caller.ExpiresAt,
        }, ApiRequests.Json)));

    private static object View(TeamEntity t) => new { id = t.RowKey, name = t.Name, createdAt = t.CreatedAt, createdBy = t.CreatedBy };
}
