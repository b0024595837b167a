using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary>Errors as application/problem+json (RFC 9457), each with a message a person can act on.</summary>
public static class Problems
{
    public static IResult Unauthorized() => Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
        title: "Authentication required",
        detail: "Send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");

    public static IResult NotFound(string what, string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} with id '{id}' exists for your team.");

    public static IResult NoSuchRoute(string method, string path) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "No such route",
        detail: $"{method} {path} is not part of the LeakMonitor API; routes are under /api (see README).");

    public static IResult BadRequest(string detail) => Results.Problem(statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid request", detail: detail);

    public static IResult PayloadTooLarge(long max) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large", detail: $"The body must be at most {max} bytes.");

    /// <summary>400 with <c>errors</c> naming each invalid field.</summary>
    public static IResult Invalid(Dictionary<string, string[]> errors) => Results.ValidationProblem(errors,
        title: "Invalid request", detail: string.Join(" ", errors.Select(e => $"{e.Key} {string.Join("; ", e.Value)}.")));
}
