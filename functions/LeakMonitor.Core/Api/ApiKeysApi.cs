using LeakMonitor.Core.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api;

public sealed record CreateApiKeyRequest(string? Name, string? Role, string? Team, int? ExpiresInDays);

/// <summary>
/// <c>/api/keys</c>: a team admin's API keys for automation. The key is in the creation answer only; the service keeps
/// its SHA-256. A team admin manages their own team's keys and can grant at most their own role; a platform admin
/// any team's. Another team's key id answers 404.
/// </summary>
public sealed class ApiKeysApi(
    ApiRequests requests, AccessStore store, IOptions<ApiOptions> options, TimeProvider time, ILogger<ApiKeysApi> logger)
{
    public Task<IResult> CreateAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.TeamAdmin, async caller =>
        {
            var (body, problem) = await ApiRequests.ReadBodyAsync<CreateApiKeyRequest>(request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 200)
            {
                errors["name"] = ["is required, at most 200 characters (what the key is for, e.g. 'ci pipeline')"];
            }
            var role = Role.Member;
            if (body.Role is not null && !Roles.TryParse(body.Role, out role))
            {
                errors["role"] = [$"must be one of: {string.Join(", ", Roles.All)}"];
            }
            var team = body.Team?.Trim() ?? caller.Team;
            if (!TeamNames.IsValid(team))
            {
                errors["team"] = ["must be a team id: lowercase letters, digits and dashes"];
            }
            var max = options.Value.MaxKeyLifetimeDays;
            if (body.ExpiresInDays is not null && (body.ExpiresInDays < 1 || body.ExpiresInDays > max))
            {
                errors["expiresInDays"] = [$"must be between 1 and {max}"];
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            if (team != caller.Team && !caller.Role.Includes(Role.PlatformAdmin))
            {
                return AccessProblems.Forbidden("A team admin creates keys for their own team only.");
            }
            if (!caller.Role.Includes(role))
            {
                return AccessProblems.Forbidden($"You cannot grant {role.Name()}: it is more than your own role.");
            }
            if (team != caller.Team && await store.GetTeamAsync(team, ct).ConfigureAwait(false) is null)
            {
                return Problems.Invalid(new() { ["team"] = [$"no team '{team}' exists; create it with POST /api/teams"] });
            }
            var (id, key) = ApiKeyFormat.Generate();
            var now = time.GetUtcNow();
            var entity = new ApiKeyEntity
            {
                RowKey = id,
                Team = team,
                Role = role.Name(),
                Name = body.Name!.Trim(),
                KeyHash = ApiKeyFormat.Hash(key),
                CreatedAt = now,
                CreatedBy = caller.Subject,
                ExpiresAt = now.AddDays(body.ExpiresInDays ?? Math.Min(options.Value.DefaultKeyLifetimeDays, max)),
            };
            await store.AddKeyAsync(entity, ct).ConfigureAwait(false);
            AuthLog.KeyCreated(logger, id, team, entity.Role, caller.Subject, entity.ExpiresAt);
            return Results.Json(new
            {
                id,
                key,
                notice = "Store this key now: it is shown only once and cannot be recovered.",
                team,
                role = entity.Role,
                name = entity.Name,
                createdAt = entity.CreatedAt,
                expiresAt = entity.ExpiresAt,
            }, ApiRequests.Json, statusCode: StatusCodes.Status201Created);
        });

    /// <summary>The caller's team's keys (a platform admin may ask for <c>?team=</c>), never a key or its hash.</summary>
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.TeamAdmin, async caller =>
        {
            var team = request.Query["team"].ToString() is { Length: > 0 } asked ? asked : caller.Team;
            if (team != caller.Team && !caller.Role.Includes(Role.PlatformAdmin))
            {
                return AccessProblems.Forbidden("A team admin lists their own team's keys only.");
            }
            var keys = await store.ListKeysAsync(team, ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            return Results.Json(keys.OrderBy(k => k.CreatedAt).Select(k => new
            {
                id = k.RowKey,
                team = k.Team,
                role = k.Role,
                name = k.Name,
                createdAt = k.CreatedAt,
                createdBy = k.CreatedBy,
                expiresAt = k.ExpiresAt,
                revokedAt = k.RevokedAt,
                state = k.RevokedAt is not null ? "revoked" : k.ExpiresAt <= now ? "expired" : "active",
            }), ApiRequests.Json);
        });

    /// <summary>Revokes a key at once; the row stays (revoked) so the audit trail's key ids keep their meaning.</summary>
    public Task<IResult> RevokeAsync(HttpRequest request, string id, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.TeamAdmin, async caller =>
        {
            var key = await store.GetKeyAsync(id, ct).ConfigureAwait(false);
            if (key is null || (key.Team != caller.Team && !caller.Role.Includes(Role.PlatformAdmin)))
            {
                return Problems.NotFound("API key", id);
            }
            if (Roles.TryParse(key.Role, out var keyRole) && !caller.Role.Includes(keyRole))
            {
                // Otherwise a team admin could lock a platform admin out by revoking their key.
                return AccessProblems.Forbidden($"Only a {keyRole.Name()} may revoke a {keyRole.Name()} key.");
            }
            if (key.RevokedAt is null)
            {
                key.RevokedAt = time.GetUtcNow();
                key.RevokedBy = caller.Subject;
                await store.UpdateKeyAsync(key, ct).ConfigureAwait(false);
                AuthLog.KeyRevoked(logger, id, key.Team, caller.Subject);
            }
            return Results.NoContent();
        });
}
