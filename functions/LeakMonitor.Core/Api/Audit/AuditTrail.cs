using System.Globalization;
using Azure;
using Azure.Data.Tables;
using LeakMonitor.Core.Api.Auth;
using LeakMonitor.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Api.Audit;

/// <summary>
/// One audited request: who (subject, team, role, how they signed in), what (method and path, never a body), when,
/// from where (remote address, X-Forwarded-For as sent, user agent) and the outcome. Partition = UTC day
/// (<c>yyyyMMdd</c>), row = inverted ticks + random suffix, so a day reads newest first. Rows are only ever added:
/// no code path updates or deletes them, and the API offers no way to.
/// </summary>
public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string Team { get; set; } = "";
    public string Role { get; set; } = "";
    public string AuthMethod { get; set; } = "";
    public string Action { get; set; } = "";
    public string Path { get; set; } = "";
    /// <summary>The id of what the request created (a key id, a fingerprint id), when it created one.</summary>
    public string Target { get; set; } = "";
    public int Status { get; set; }
    /// <summary><c>success</c>, <c>denied</c> (401, 403, 429), <c>rejected</c> (other 4xx) or <c>error</c>.</summary>
    public string Outcome { get; set; } = "";
    public string RemoteIp { get; set; } = "";
    public string ForwardedFor { get; set; } = "";
    public string UserAgent { get; set; } = "";
}

public sealed record AuditQuery(
    string? Team, string? Actor, string? Action, string? Outcome, DateTimeOffset Since, DateTimeOffset Until, int Limit);

/// <summary>The append-only audit trail: every change, every read of incidents or of the trail, every denial.</summary>
public sealed class AuditTrail(StorageClients clients, AccessTables tables, TimeProvider time, ILogger<AuditTrail> logger)
{
    public const int MaxLimit = 1000;
    private const int MaxFieldLength = 256;

    /// <summary>
    /// What is recorded: every request that changes something, reads incidents, the audit trail or the webhook key,
    /// and every denial (401, 403, 429). Plain reads of a team's own registrations are not, to keep the trail useful.
    /// </summary>
    public static bool ShouldRecord(string method, string path, int status)
    {
        if (!HttpMethods.IsGet(method) || status is 401 or 403 or 429)
        {
            return true;
        }
        var route = path.StartsWith("/" + ApiRoutes.Prefix + "/", StringComparison.Ordinal)
            ? path[(ApiRoutes.Prefix.Length + 2)..] : path.TrimStart('/');
        return route.StartsWith("incidents", StringComparison.Ordinal)
            || route.StartsWith("audit", StringComparison.Ordinal)
            || route.StartsWith("webhook-key", StringComparison.Ordinal);
    }

    public static int StatusOf(IResult result) => (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;

    /// <summary>The <c>id</c> of a 201 answer's body (every create answers with one), else null.</summary>
    public static string? CreatedId(IResult result)
        => StatusOf(result) == StatusCodes.Status201Created && (result as IValueHttpResult)?.Value is { } value
            ? value.GetType().GetProperty("id")?.GetValue(value) as string
            : null;

    /// <summary>Appends a row when <see cref="ShouldRecord"/> says so. A storage failure is logged, not thrown.</summary>
    /// <remarks>Written even when the caller went away: a change that happened is recorded.</remarks>
    public async Task RecordAsync(HttpRequest request, Caller? caller, int status, string? createdId = null)
    {
        var path = request.Path.Value ?? "";
        if (!ShouldRecord(request.Method, path, status))
        {
            return;
        }
        var now = time.GetUtcNow();
        var entity = new AuditEntity
        {
            PartitionKey = now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}-{Guid.NewGuid():N}",
            At = now,
            Actor = caller?.Subject ?? "anonymous",
            Team = caller?.Team ?? "",
            Role = caller?.Role.Name() ?? "",
            AuthMethod = caller?.Method ?? "",
            Action = $"{request.Method} {RouteOf(request.Method, path)}",
            Path = Cut(path),
            Target = Cut(createdId ?? ""),
            Status = status,
            Outcome = status switch
            {
                < 400 => "success",
                401 or 403 or 429 => "denied",
                < 500 => "rejected",
                _ => "error",
            },
            RemoteIp = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "",
            ForwardedFor = Cut(request.Headers["X-Forwarded-For"].ToString()),
            UserAgent = Cut(request.Headers.UserAgent.ToString()),
        };
        try
        {
            var table = await clients.TableAsync(tables.Audit).ConfigureAwait(false);
            await table.AddEntityAsync(entity, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException)
        {
            // The request's effect has happened; failing it now would only hide that. The error log is the alarm.
            AuthLog.AuditWriteFailed(logger, entity.Action, entity.Actor, e.Message);
        }
        if (entity.Outcome == "denied")
        {
            AuthLog.Denied(logger, entity.Action, entity.Actor, status);
        }
    }

    public async Task<List<AuditEntity>> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        var table = await clients.TableAsync(tables.Audit).ConfigureAwait(false);
        var found = new List<AuditEntity>();
        for (var day = query.Until.UtcDateTime.Date; day >= query.Since.UtcDateTime.Date && found.Count < query.Limit;
             day = day.AddDays(-1))
        {
            var partition = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            await foreach (var e in table.QueryAsync<AuditEntity>(e => e.PartitionKey == partition, cancellationToken: ct)
                               .ConfigureAwait(false))
            {
                if (e.At < query.Since || e.At > query.Until
                    || (query.Team is not null && e.Team != query.Team)
                    || (query.Actor is not null && e.Actor != query.Actor)
                    || (query.Outcome is not null && e.Outcome != query.Outcome)
                    || (query.Action is not null && !e.Action.Contains(query.Action, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                found.Add(e);
                if (found.Count >= query.Limit)
                {
                    break;
                }
            }
        }
        return found;
    }

    /// <summary>The route with ids replaced by <c>{id}</c>, so actions group ("DELETE fingerprints/{id}").</summary>
    private static string RouteOf(string method, string path)
    {
        var route = path.StartsWith("/" + ApiRoutes.Prefix + "/", StringComparison.Ordinal)
            ? path[(ApiRoutes.Prefix.Length + 2)..] : path.TrimStart('/');
        var segments = route.Split('/');
        return ApiRoutes.All
            .Where(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase))
            .Select(r => (r.Template, Parts: r.Template.Split('/')))
            .Where(r => r.Parts.Length == segments.Length && r.Parts.Zip(segments).All(
                p => p.First.StartsWith('{') || string.Equals(p.First, p.Second, StringComparison.Ordinal)))
            .OrderBy(r => r.Parts.Count(p => p.StartsWith('{')))
            .Select(r => r.Template)
            .FirstOrDefault() ?? Cut(route);
    }

    private static string Cut(string value) => value.Length <= MaxFieldLength ? value : value[..MaxFieldLength];
}
