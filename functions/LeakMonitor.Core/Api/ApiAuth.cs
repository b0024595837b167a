using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api;

/// <summary>Who is calling: the team whose data the request may touch.</summary>
public sealed record Caller(string Team);

/// <summary>
/// Authenticates every API request: <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>. Keys are compared as
/// SHA-256 digests in constant time. With no key configured, every request is refused: there is no open door.
/// </summary>
public sealed class ApiAuth(IOptions<ApiOptions> options)
{
    private readonly byte[]? bootstrapDigest = string.IsNullOrEmpty(options.Value.BootstrapKey)
        ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.BootstrapKey));

    public Caller? Authenticate(HttpRequest request)
    {
        var key = request.Headers["X-Api-Key"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (key.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
        }
        if (key.Length == 0 || bootstrapDigest is null)
        {
            return null;
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return CryptographicOperations.FixedTimeEquals(digest, bootstrapDigest)
            ? new Caller(options.Value.BootstrapTeam)
            : null;
    }
}
