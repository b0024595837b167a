using System.Text;
using LeakMonitor.Core;
using LeakMonitor.Core.Api;
using LeakMonitor.Core.Api.Audit;
using LeakMonitor.Core.Api.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeakMonitor.Core.Tests.Api;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void A_generated_key_carries_its_id_and_only_its_hash_verifies_it()
    {
        var (id, key) = ApiKeyFormat.Generate();
        Assert.Matches("^lmk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", key);
        Assert.True(ApiKeyFormat.TryParseId(key, out var parsed));
        Assert.Equal(id, parsed);
        var hash = ApiKeyFormat.Hash(key);
        Assert.DoesNotContain(key[(key.IndexOf('_', 4) + 1)..], hash); // the secret part may itself hold '_'
        Assert.True(ApiKeyFormat.Matches(key, hash));
        Assert.False(ApiKeyFormat.Matches(key[..^1] + (key[^1] == 'A' ? 'B' : 'A'), hash));
        Assert.NotEqual(key, ApiKeyFormat.Generate().Key);
    }

    [Theory]
    [InlineData("leakmon-local-dev-key")]
    [InlineData("lmk_short_x")]
    [InlineData("lmk_0123456789ABCDEF_secret")]
    [InlineData("lmk_0123456789abcdefXsecret")]
    public void Other_credentials_are_not_taken_for_api_keys(string credential)
        => Assert.False(ApiKeyFormat.TryParseId(credential, out _));
}

public sealed class ApiRateLimiterTests
{
    [Fact]
    public void A_caller_gets_the_burst_then_waits_for_refill_and_others_are_unaffected()
    {
        var time = new FakeTimeProvider();
        var limiter = new ApiRateLimiter(Options.Create(new ApiOptions { RateLimitBurst = 2, RateLimitPerMinute = 6 }), time);
        Assert.Null(limiter.TryAcquire("key:a"));
        Assert.Null(limiter.TryAcquire("key:a"));
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.TryAcquire("key:a"));
        Assert.Null(limiter.TryAcquire("key:b"));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.TryAcquire("key:a"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.TryAcquire("key:a"));
        Assert.NotNull(limiter.TryAcquire("key:a"));
    }
}

public sealed class PlaintextScreeningTests
{
    [Theory]
    [InlineData("""{"label": "x", "secret": "hunter2"}""", "secret")]
    [InlineData("""{"label": "x", "Secret": "hunter2"}""", "Secret")]
    [InlineData("""{"fingerprints": [{"label": "a"}, {"label": "b", "secret": "s"}]}""", "fingerprints[1].secret")]
    [InlineData("""{"label": "my secret", "fingerprint": "fpv1:x"}""", null)]
    [InlineData("""[{"secret": 1}]""", "[0].secret")]
    [InlineData("""{"data": {"nested": [{"SECRET": "s"}]}}""", "data.nested[0].SECRET")]
    public void Bodies_with_a_secret_field_are_recognised(string json, string? field)
        => Assert.Equal(field, ApiRequests.PlaintextSecretField(Encoding.UTF8.GetBytes(json)));
}

public sealed class RoleAndMappingTests
{
    [Fact]
    public void Roles_include_the_ones_below_them_only()
    {
        Assert.True(Role.PlatformAdmin.Includes(Role.TeamAdmin));
        Assert.True(Role.TeamAdmin.Includes(Role.Member));
        Assert.False(Role.Member.Includes(Role.TeamAdmin));
        Assert.False(Role.TeamAdmin.Includes(Role.PlatformAdmin));
        Assert.All(Roles.All, name => Assert.True(Roles.TryParse(name, out var role) && role.Name() == name));
        Assert.False(Roles.TryParse("root", out _));
    }

    [Fact]
    public void Group_mappings_parse_and_bad_ones_name_the_setting()
    {
        var map = EntraTokenValidator.ParseGroupTeams(" g1=ops:team-admin ; g2=dev ");
        Assert.Equal(("ops", Role.TeamAdmin), map["g1"]);
        Assert.Equal(("dev", Role.Member), map["g2"]);
        var e = Assert.Throws<OptionsValidationException>(() => EntraTokenValidator.ParseGroupTeams("g3=Ops Team"));
        Assert.Contains("Entra:GroupTeams", e.Message);
        Assert.Throws<OptionsValidationException>(() => EntraTokenValidator.ParseGroupTeams("g4=ops:root"));
    }

    [Theory]
    [InlineData("POST", "/api/sources", 201, true)]
    [InlineData("DELETE", "/api/fingerprints/x", 204, true)]
    [InlineData("GET", "/api/incidents", 200, true)]
    [InlineData("GET", "/api/audit", 200, true)]
    [InlineData("GET", "/api/webhook-key", 200, true)]
    [InlineData("GET", "/api/fingerprints", 200, false)]
    [InlineData("GET", "/api/fingerprints", 401, true)]
    [InlineData("GET", "/api/sources", 429, true)]
    public void The_audit_trail_records_changes_incident_reads_and_denials(string method, string path, int status, bool recorded)
        => Assert.Equal(recorded, AuditTrail.ShouldRecord(method, path, status));
}

public sealed class EntraSettingsTests
{
    [Theory]
    [InlineData("http://login.example.com/t/v2.0", "api://x", "", "Entra:Authority")]
    [InlineData("https://login.example.com/t/v2.0", "", "", "Entra:Audience")]
    [InlineData("", "", "g=Not A Team", "Entra:GroupTeams")]
    public void A_wrong_Entra_setting_fails_with_its_name(string authority, string audience, string groups, string setting)
    {
        var result = new EntraOptionsValidator().Validate(null,
            new EntraOptions { Authority = authority, Audience = audience, GroupTeams = groups });
        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage);
    }

    [Fact]
    public void Entra_off_or_complete_settings_pass()
    {
        Assert.True(new EntraOptionsValidator().Validate(null, new EntraOptions()).Succeeded);
        Assert.True(new EntraOptionsValidator().Validate(null, new EntraOptions
        {
            Authority = "https://login.microsoftonline.com/t/v2.0", Audience = "api://leakmonitor", GroupTeams = "g=ops",
        }).Succeeded);
    }
}
