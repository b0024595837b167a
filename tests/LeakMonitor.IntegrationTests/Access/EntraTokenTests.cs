using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>
/// Entra ID bearer tokens against a loopback identity provider: OpenID metadata and a JWKS served on 127.0.0.1, tokens
/// signed here with a local RSA key. Real validation code, real HTTP, no Entra tenant.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EntraTokenTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Audience = "api://leakmonitor-test";
    private readonly RSA signingKey = RSA.Create(2048);
    private LoopbackServer idp = null!;
    private TestHost host = null!;
    private string issuer = "";

    public async Task InitializeAsync()
    {
        idp = await LoopbackServer.StartAsync();
        issuer = idp.Url("tenant-1/v2.0").ToString();
        var parameters = signingKey.ExportParameters(false);
        idp.MapText("tenant-1/v2.0/.well-known/openid-configuration", "application/json", () => JsonSerializer.Serialize(new
        {
            issuer,
            jwks_uri = idp.Url("tenant-1/discovery/v2.0/keys").ToString(),
            authorization_endpoint = idp.Url("tenant-1/oauth2/v2.0/authorize").ToString(),
            token_endpoint = idp.Url("tenant-1/oauth2/v2.0/token").ToString(),
            id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        idp.MapText("tenant-1/discovery/v2.0/keys", "application/json", () => JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA", use = "sig", kid = "key-1", alg = "RS256",
                    n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        }));
        host = await TestHost.StartAsync(azurite, s =>
        {
            s["Entra:Authority"] = issuer.TrimEnd('/');
            s["Entra:Audience"] = Audience;
            s["Entra:GroupTeams"] = "11111111-aaaa-bbbb-cccc-000000000001=ops:team-admin; 11111111-aaaa-bbbb-cccc-000000000002=dev";
        });
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await idp.DisposeAsync();
        signingKey.Dispose();
    }

    [Fact]
    public async Task A_valid_token_with_a_team_claim_and_an_app_role_is_that_team_and_role()
    {
        var me = await MeAsync(Token(claims: new() { ["team"] = "payments", ["roles"] = new[] { "TeamAdmin" } }));
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("payments", me.Json.GetProperty("team").GetString());
        Assert.Equal("team-admin", me.Json.GetProperty("role").GetString());
        Assert.Equal("entra", me.Json.GetProperty("method").GetString());
        Assert.Equal("entra:oid-1", me.Json.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_group_maps_to_a_team_and_role_and_several_teams_are_refused()
    {
        var me = await MeAsync(Token(claims: new() { ["groups"] = new[] { "11111111-aaaa-bbbb-cccc-000000000001", "unmapped" } }));
        Assert.Equal("ops", me.Json.GetProperty("team").GetString());
        Assert.Equal("team-admin", me.Json.GetProperty("role").GetString());

        var two = await MeAsync(Token(claims: new()
        {
            ["groups"] = new[] { "11111111-aaaa-bbbb-cccc-000000000001", "11111111-aaaa-bbbb-cccc-000000000002" },
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, two.Status);
        var none = await MeAsync(Token(claims: new() { ["groups"] = new[] { "unmapped" } }));
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Contains("no LeakMonitor team", none.Json.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("audience", "another audience")]
    [InlineData("expired", "expired")]
    [InlineData("issuer", "untrusted issuer")]
    [InlineData("signature", "signature")]
    [InlineData("unknown key", "signature")]
    public async Task An_invalid_token_is_refused_with_the_reason(string fault, string reason)
    {
        using var otherKey = RSA.Create(2048);
        var token = fault switch
        {
            "audience" => Token(audience: "api://someone-else"),
            "expired" => Token(expires: DateTime.UtcNow.AddMinutes(-10)),
            "issuer" => Token(tokenIssuer: "https://login.example.com/evil/v2.0"),
            "signature" => Token(key: otherKey, keyId: "key-1"),
            "unknown key" => Token(key: otherKey, keyId: "key-2"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var me = await MeAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, me.Status);
        Assert.Contains(reason, me.Json.GetProperty("detail").GetString());
        Assert.DoesNotContain(token, string.Join("\n", host.Logs.Lines));
    }

    private string Token(Dictionary<string, object>? claims = null, string? audience = null, DateTime? expires = null,
        string? tokenIssuer = null, RSA? key = null, string keyId = "key-1")
    {
        var claimSet = new Dictionary<string, object> { ["oid"] = "oid-1" };
        foreach (var (name, value) in claims ?? new() { ["team"] = "payments" })
        {
            claimSet[name] = value;
        }
        var exp = expires ?? DateTime.UtcNow.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = tokenIssuer ?? issuer,
            Audience = audience ?? Audience,
            Claims = claimSet,
            IssuedAt = exp.AddHours(-1),
            NotBefore = exp.AddHours(-1),
            Expires = exp,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? signingKey) { KeyId = keyId },
                SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> MeAsync(string token)
    {
        using var client = host.Client(token);
        var response = await client.GetAsync("me");
        return (response.StatusCode, await response.ReadJsonAsync<JsonElement>());
    }
}
