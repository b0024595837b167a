using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary>
/// What every API handler does first: authenticate (and touch only the caller's team; another team's ids answer
/// 404, so existence does not leak), and read a bounded JSON body with clear errors.
/// </summary>
public sealed class ApiRequests(ApiAuth auth)
{
    public const long MaxBodyBytes = 64 * 1024;
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IResult> AuthenticatedAsync(HttpRequest request, Func<Caller, Task<IResult>> handle)
        => auth.Authenticate(request) is { } caller ? await handle(caller).ConfigureAwait(false) : Problems.Unauthorized();

    public static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            return (null, Problems.PayloadTooLarge(MaxBodyBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, Problems.PayloadTooLarge(MaxBodyBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return body is null ? (null, Problems.BadRequest("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON: {e.Message}"));
        }
    }
}
