using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>The access-control answers, as application/problem+json like every other error.</summary>
public static class AccessProblems
{
    public static IResult Unauthorized(string? reason) => reason is null
        ? Problems.Unauthorized()
        : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required",
            detail: $"{reason} Send an API key or an Entra ID access token as 'Authorization: Bearer <credential>'.");

    public static IResult Forbidden(Role has, Role needs) => Results.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Not allowed",
        detail: $"This needs the {needs.Name()} role; your credential has {has.Name()}.");

    public static IResult Forbidden(string detail) => Results.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Not allowed", detail: detail);

    /// <summary>Who responds to a leak (rotation webhook, Slack, Teams) is a team admin's decision.</summary>
    public static IResult? RespondersNeedTeamAdmin(Caller caller, bool setsResponders) =>
        setsResponders && caller.Role < Role.TeamAdmin
            ? Forbidden("Only a team admin sets responders (webhookUrl, responders). Register without them, or ask a " +
                "team admin to register the secret with its responders.")
            : null;

    public static IResult TooManyRequests(TimeSpan retryAfter) => new WithHeader(
        Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"Slow down: retry after {retryAfter.TotalSeconds:0} s."),
        "Retry-After", ((long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture));

    public static IResult Conflict(string detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "Already exists", detail: detail);

    /// <summary>An answer with one extra response header, keeping its status code visible to the audit trail.</summary>
    private sealed class WithHeader(IResult inner, string name, string value) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
