using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>Checks the Entra settings at start, so a wrong one stops the host with its name, not the first sign-in.</summary>
public sealed class EntraOptionsValidator : IValidateOptions<EntraOptions>
{
    public ValidateOptionsResult Validate(string? name, EntraOptions options)
    {
        var failures = new List<string>();
        if (options.Authority.Length > 0)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
                || (authority.Scheme != Uri.UriSchemeHttps && !authority.IsLoopback))
            {
                failures.Add("Entra:Authority must be an absolute https URL (http only for a loopback test authority).");
            }
            if (options.Audience.Length == 0)
            {
                failures.Add("Entra:Audience is required when Entra:Authority is set.");
            }
        }
        try
        {
            EntraTokenValidator.ParseGroupTeams(options.GroupTeams);
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Validates Microsoft Entra ID access tokens: signature against the authority's published keys (OpenID metadata →
/// JWKS, cached and refreshed by <see cref="ConfigurationManager{T}"/>, re-read once when a token names an unknown
/// key), issuer, audience and lifetime. The team comes from <see cref="EntraOptions.TeamClaim"/> or a group mapping;
/// the role from app roles (<c>roles</c>: Member, TeamAdmin, PlatformAdmin) or the group mapping, else member.
/// </summary>
public sealed class EntraTokenValidator
{
    private readonly EntraOptions options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    private readonly Dictionary<string, (string Team, Role Role)> groups;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public EntraTokenValidator(IOptions<EntraOptions> options, IHttpClientFactory httpClients)
    {
        this.options = options.Value;
        groups = ParseGroupTeams(this.options.GroupTeams);
        if (this.options.Authority.Length == 0)
        {
            return;
        }
        // Checked at start by EntraOptionsValidator; a host that skipped start-up validation still fails safe here.
        if (new EntraOptionsValidator().Validate(null, this.options) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(EntraOptions.Section, typeof(EntraOptions), invalid.Failures);
        }
        var authority = new Uri(this.options.Authority);
        metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            $"{this.options.Authority.TrimEnd('/')}/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(nameof(EntraTokenValidator)))
            {
                RequireHttps = authority.Scheme == Uri.UriSchemeHttps,
            });
    }

    public bool Enabled => metadata is not null;

    /// <summary>Looks like a JWT (three base64url parts): worth validating as one.</summary>
    public static bool LooksLikeJwt(string token) => token.StartsWith("eyJ", StringComparison.Ordinal)
        && token.Count(c => c == '.') == 2;

    /// <summary>The caller, or why the token is refused (a reason safe to tell the caller).</summary>
    public async Task<(Caller? Caller, string? Failure)> ValidateAsync(string token, CancellationToken ct)
    {
        if (metadata is null)
        {
            return (null, "Entra ID sign-in is not configured on this deployment.");
        }
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.GetConfigurationAsync(ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return (null, "The identity provider's signing keys could not be read; try again later.");
        }
        var result = await handler.ValidateTokenAsync(token, Parameters(configuration)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Keys roll over: read the metadata again (the manager rate-limits this) and retry once.
            metadata.RequestRefresh();
            configuration = await metadata.GetConfigurationAsync(ct).ConfigureAwait(false);
            result = await handler.ValidateTokenAsync(token, Parameters(configuration)).ConfigureAwait(false);
        }
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenExpiredException => "The bearer token has expired.",
                SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
                SecurityTokenInvalidAudienceException => "The bearer token was issued for another audience.",
                SecurityTokenInvalidIssuerException => "The bearer token was issued by an untrusted issuer.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException
                    => "The bearer token's signature is not valid.",
                _ => "The bearer token is not valid.",
            });
        }
        return ToCaller(result.ClaimsIdentity);
    }

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = options.Issuer.Length > 0 ? options.Issuer : configuration.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = options.ClockSkew,
    };

    private (Caller? Caller, string? Failure) ToCaller(ClaimsIdentity identity)
    {
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return (null, "The bearer token names no subject (oid or sub).");
        }
        var role = Role.Member;
        foreach (var appRole in identity.FindAll("roles").Select(c => c.Value))
        {
            var r = appRole switch
            {
                "PlatformAdmin" => Role.PlatformAdmin,
                "TeamAdmin" => Role.TeamAdmin,
                _ => Role.Member,
            };
            role = r > role ? r : role;
        }
        var team = identity.FindFirst(options.TeamClaim)?.Value;
        var mapped = identity.FindAll("groups").Select(c => c.Value)
            .Where(groups.ContainsKey).Select(g => groups[g]).ToList();
        if (team is null)
        {
            var teams = mapped.Select(m => m.Team).Distinct(StringComparer.Ordinal).ToList();
            if (teams.Count > 1)
            {
                return (null, "The bearer token's groups map to more than one team; ask your administrator.");
            }
            team = teams.SingleOrDefault();
        }
        foreach (var m in mapped.Where(m => m.Team == team && m.Role > role))
        {
            role = m.Role;
        }
        if (!TeamNames.IsValid(team))
        {
            return (null, "The bearer token names no LeakMonitor team (team claim or a mapped group).");
        }
        var expires = identity.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        return (new Caller(team!, role, $"entra:{subject}", "entra") { ExpiresAt = expires }, null);
    }

    internal static Dictionary<string, (string Team, Role Role)> ParseGroupTeams(string setting)
    {
        var map = new Dictionary<string, (string, Role)>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in setting.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            var target = parts.Length == 2 ? parts[1].Split(':', 2, StringSplitOptions.TrimEntries) : [];
            var role = Role.Member;
            if (parts.Length != 2 || parts[0].Length == 0 || !TeamNames.IsValid(target[0])
                || (target.Length == 2 && !Roles.TryParse(target[1], out role)))
            {
                throw new OptionsValidationException("Entra:GroupTeams", typeof(EntraOptions),
                    [$"Entra:GroupTeams entry '{entry}' must be '<group id>=<team>' or '<group id>=<team>:<role>' " +
                     $"(roles: {string.Join(", ", Roles.All)})."]);
            }
            map[parts[0]] = (target[0], role);
        }
        return map;
    }
}
