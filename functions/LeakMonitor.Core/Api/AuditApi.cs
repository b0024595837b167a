using System.Globalization;
using LeakMonitor.Core.Api.Audit;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary>
/// <c>GET /api/audit</c>: the audit trail for platform admins, newest first. Filters: <c>team</c>, <c>actor</c>
/// (e.g. <c>key:&lt;id&gt;</c>), <c>action</c> (substring, e.g. <c>fingerprints</c>), <c>outcome</c>
/// (success, denied, rejected, error), <c>since</c>/<c>until</c> (ISO 8601; default the last 7 days, at most 31),
/// <c>limit</c> (default 200, at most 1000).
/// </summary>
public sealed class AuditApi(ApiRequests requests, AuditTrail trail, TimeProvider time)
{
    private static readonly string[] Outcomes = ["success", "denied", "rejected", "error"];

    public Task<IResult> QueryAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.PlatformAdmin, async _ =>
        {
            var q = request.Query;
            var errors = new Dictionary<string, string[]>();
            var now = time.GetUtcNow();
            var until = Time(q["until"], "until", now, errors);
            var since = Time(q["since"], "since", until.AddDays(-7), errors);
            if (until - since > TimeSpan.FromDays(31) || since > until)
            {
                errors["since"] = ["must be before until, at most 31 days earlier"];
            }
            var limit = 200;
            if (q["limit"].ToString() is { Length: > 0 } l
                && (!int.TryParse(l, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > AuditTrail.MaxLimit))
            {
                errors["limit"] = [$"must be between 1 and {AuditTrail.MaxLimit}"];
            }
            var outcome = Text(q["outcome"]);
            if (outcome is not null && !Outcomes.Contains(outcome))
            {
                errors["outcome"] = [$"must be one of: {string.Join(", ", Outcomes)}"];
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            var rows = await trail.QueryAsync(new AuditQuery(Text(q["team"]), Text(q["actor"]), Text(q["action"]),
                outcome, since, until, limit), ct).ConfigureAwait(false);
            return Results.Json(rows.Select(e => new
            {
                at = e.At,
                actor = e.Actor,
                team = e.Team,
                role = e.Role,
                authMethod = e.AuthMethod,
                action = e.Action,
                path = e.Path,
                target = e.Target,
                status = e.Status,
                outcome = e.Outcome,
                remoteIp = e.RemoteIp,
                forwardedFor = e.ForwardedFor,
                userAgent = e.UserAgent,
            }), ApiRequests.Json);
        });

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value)
        => value.ToString() is { Length: > 0 } s ? s : null;

    private static DateTimeOffset Time(Microsoft.Extensions.Primitives.StringValues value, string name,
        DateTimeOffset fallback, Dictionary<string, string[]> errors)
    {
        if (value.ToString() is not { Length: > 0 } text)
        {
            return fallback;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }
        errors[name] = ["must be an ISO 8601 time, e.g. 2026-12-04T16:00:00Z"];
        return fallback;
    }
}
