using System.Text.Json;
using LeakMonitor.Core.Api.Audit;
using LeakMonitor.Core.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api;

/// <summary>
/// What every API handler does first: authenticate, rate-limit per caller, check the route's role (deny by default:
/// every handler must name one), and only then touch the caller's own team (another team's ids answer 404, so
/// existence does not leak); afterwards, append to the audit trail. Bodies are read bounded, with clear errors.
/// </summary>
public sealed class ApiRequests(
    ApiAuth auth, ApiRateLimiter limiter, AuditTrail audit, IOptions<FingerprintOptions> fingerprints)
{
    public const long MaxBodyBytes = 64 * 1024;
    /// <summary>Bulk registration: about 10,000 fingerprints with labels.</summary>
    public const long MaxBulkBodyBytes = 4 * 1024 * 1024;
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The deployment's current salt epoch (Fingerprints:SaltEpoch).</summary>
    public int SaltEpoch => fingerprints.Value.SaltEpoch;

    /// <summary>Runs <paramref name="handle"/> for an authenticated caller holding at least <paramref name="required"/>.</summary>
    public async Task<IResult> AuthenticatedAsync(HttpRequest request, Role required, Func<Caller, Task<IResult>> handle)
    {
        var (caller, failure) = await auth.AuthenticateAsync(request, request.HttpContext.RequestAborted)
            .ConfigureAwait(false);
        IResult result;
        if (caller is null)
        {
            // Unauthenticated callers share a bucket per address: guessing keys is slow.
            result = limiter.TryAcquire("ip:" + request.HttpContext.Connection.RemoteIpAddress) is { } wait
                ? AccessProblems.TooManyRequests(wait)
                : AccessProblems.Unauthorized(failure);
        }
        else if (limiter.TryAcquire(caller.Subject) is { } wait)
        {
            result = AccessProblems.TooManyRequests(wait);
        }
        else if (!caller.Role.Includes(required))
        {
            result = AccessProblems.Forbidden(caller.Role, required);
        }
        else
        {
            try
            {
                result = await handle(caller).ConfigureAwait(false);
            }
            catch (Exception)
            {
                await audit.RecordAsync(request, caller, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
                throw;
            }
        }
        await audit.RecordAsync(request, caller, AuditTrail.StatusOf(result), AuditTrail.CreatedId(result))
            .ConfigureAwait(false);
        return result;
    }

    /// <summary>A salt-epoch problem for a registration, or null when <paramref name="epoch"/> (absent = 1) is current.</summary>
    public string? EpochError(int? epoch) => (epoch ?? 1) == SaltEpoch ? null
        : $"is {epoch ?? 1} but this deployment's salt epoch is {SaltEpoch}: the salt was rotated. Re-fingerprint the " +
          $"secret with the current salt ('leakmon fingerprint --epoch {SaltEpoch}' with the new --salt) and register again.";

    public static Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
        => ReadBodyAsync<T>(request, MaxBodyBytes, ct);

    public static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, long maxBytes,
        CancellationToken ct)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.PayloadTooLarge(maxBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, Problems.PayloadTooLarge(maxBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        try
        {
            if (PlaintextSecretField(bytes) is { } field)
            {
                return (null, Problems.Invalid(new Dictionary<string, string[]>
                {
                    [field] = ["is not accepted: the API never takes a plaintext secret. Fingerprint it on your own " +
                               "machine ('leakmon fingerprint' or 'leakmon secrets add') and send only the fingerprint"],
                }));
            }
            var body = JsonSerializer.Deserialize<T>(bytes.Span, Json);
            return body is null ? (null, Problems.BadRequest("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON: {e.Message}"));
        }
    }

    /// <summary>
    /// The path of a <c>secret</c> property anywhere in the body (e.g. <c>fingerprints[1].secret</c>), if any: no route
    /// takes one, and a body holding one is a plaintext secret about to be stored somewhere it should not be.
    /// </summary>
    internal static string? PlaintextSecretField(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        return Find(document.RootElement, "", depth: 0);

        static string? Find(JsonElement element, string path, int depth)
        {
            if (depth > 16)
            {
                return null;
            }
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    var at = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (string.Equals(property.Name, "secret", StringComparison.OrdinalIgnoreCase))
                    {
                        return at;
                    }
                    if (Find(property.Value, at, depth + 1) is { } found)
                    {
                        return found;
                    }
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{i++}]", depth + 1) is { } found)
                    {
                        return found;
                    }
                }
            }
            return null;
        }
    }
}
