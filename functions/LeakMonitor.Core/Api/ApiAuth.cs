using System.Security.Cryptography;
using System.Text;
using LeakMonitor.Core.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Api;

/// <summary>
/// Establishes who is calling. A credential comes as <c>Authorization: Bearer &lt;credential&gt;</c> or
/// <c>X-Api-Key: &lt;key&gt;</c> and is one of: a Microsoft Entra ID access token (a JWT), a team API key
/// (<c>lmk_&lt;id&gt;_&lt;secret&gt;</c>, looked up by id, compared as SHA-256 in constant time, refused once expired
/// or revoked), or the bootstrap key (a platform admin of Api:BootstrapTeam). Anything else is refused: there is no
/// open door.
/// </summary>
public sealed class ApiAuth(
    IOptions<ApiOptions> options, AccessStore store, EntraTokenValidator entra, TimeProvider time,
    ILogger<ApiAuth> logger)
{
    public const string BootstrapSubject = "bootstrap";

    private readonly byte[]? bootstrapDigest = string.IsNullOrEmpty(options.Value.BootstrapKey)
        ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.BootstrapKey));

    /// <summary>The caller, or a reason safe to tell them why not (never whether a key id exists for another team).</summary>
    public async Task<(Caller? Caller, string? Failure)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var credential = request.Headers["X-Api-Key"].ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        if (credential.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            credential = authorization["Bearer ".Length..].Trim();
        }
        if (credential.Length == 0)
        {
            return (null, null);
        }
        if (ApiKeyFormat.TryParseId(credential, out var keyId))
        {
            return await FromApiKeyAsync(credential, keyId, ct).ConfigureAwait(false);
        }
        if (EntraTokenValidator.LooksLikeJwt(credential) && entra.Enabled)
        {
            var (caller, failure) = await entra.ValidateAsync(credential, ct).ConfigureAwait(false);
            if (caller is null)
            {
                AuthLog.TokenRefused(logger, failure ?? "");
            }
            return (caller, failure);
        }
        if (bootstrapDigest is not null && CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(credential)), bootstrapDigest))
        {
            return (new Caller(options.Value.BootstrapTeam, Role.PlatformAdmin, BootstrapSubject, "bootstrap-key"), null);
        }
        return (null, "The credential is not valid.");
    }

    private async Task<(Caller?, string?)> FromApiKeyAsync(string key, string id, CancellationToken ct)
    {
        var entity = await store.GetKeyAsync(id, ct).ConfigureAwait(false);
        // An unknown id and a wrong secret answer alike.
        if (entity is null || !ApiKeyFormat.Matches(key, entity.KeyHash) || !Roles.TryParse(entity.Role, out var role))
        {
            AuthLog.KeyRefused(logger, id, "unknown id or wrong secret");
            return (null, "The API key is not valid.");
        }
        if (entity.RevokedAt is not null)
        {
            AuthLog.KeyRefused(logger, id, "revoked");
            return (null, "The API key was revoked; ask a team admin for a new one.");
        }
        if (entity.ExpiresAt <= time.GetUtcNow())
        {
            AuthLog.KeyRefused(logger, id, "expired");
            return (null, "The API key has expired; ask a team admin for a new one.");
        }
        return (new Caller(entity.Team, role, $"key:{id}", "api-key") { KeyId = id, ExpiresAt = entity.ExpiresAt }, null);
    }
}
