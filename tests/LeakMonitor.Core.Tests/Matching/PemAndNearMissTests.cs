using System.Text.Json;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>Multi-line private keys whatever their wrapping, and near misses that must stay silent.</summary>
public class PemAndNearMissTests
{
    [Theory]
    [InlineData(64, "\n")]
    [InlineData(76, "\n")]
    [InlineData(64, "\r\n")]
    [InlineData(70, "\r\n")]
    public void Leaked_private_key_is_found_whatever_its_wrapping(int columns, string newline)
    {
        var text = "here is the deploy key:" + newline + Rewrapped(columns, newline) + "thanks" + newline;
        var f = Scan(text).Single("private-key");
        Assert.Equal(("pem", 2L), (f.DecoderChain, f.Line));
    }

    [Fact]
    public void Private_key_in_a_json_string_with_newline_escapes_is_found()
    {
        var json = JsonSerializer.Serialize(new { type = "service_account", private_key = PrivateKeyPem });
        Assert.Equal("escape>pem", Scan(json).Single("private-key").DecoderChain);
    }

    [Fact]
    public void Private_key_body_flattened_on_one_line_is_found()
    {
        Assert.Contains("private-key", Scan("key=\"" + PemBody + "\"").Labels());
    }

    [Fact]
    public void Private_key_in_yaml_block_scalar_with_indentation_is_found()
    {
        var indented = string.Join("\n", Rewrapped(64, "\n").TrimEnd().Split('\n').Select(l => "    " + l));
        Assert.Contains("private-key", Scan("tls:\n  key: |\n" + indented + "\n").Labels());
    }

    [Fact]
    public void Private_key_with_one_body_character_changed_is_not_found()
    {
        var body = PemBody.ToCharArray();
        body[500] = body[500] == 'A' ? 'B' : 'A';
        var text = "-----BEGIN PRIVATE KEY-----\n" + new string(body) + "\n-----END PRIVATE KEY-----\n";
        Assert.Empty(Scan(text));
    }

    public static TheoryData<string, string> NearMisses()
    {
        var data = new TheoryData<string, string>();
        foreach (var (label, secret) in new[] { ("github", GitHubToken), ("password", Password), ("jwt", Jwt),
            ("azure-storage", AzureStorageKey) })
        {
            var chars = secret.ToCharArray();
            var i = Array.FindIndex(chars, 5, char.IsAsciiLetter);
            chars[i] = chars[i] == 'x' ? 'y' : 'x';
            data.Add(label + " one character changed", new string(chars));
            data.Add(label + " one character dropped", secret.Remove(i, 1));
            var flipped = secret.ToCharArray();
            flipped[i] = char.IsUpper(flipped[i]) ? char.ToLowerInvariant(flipped[i]) : char.ToUpperInvariant(flipped[i]);
            data.Add(label + " case flipped", new string(flipped));
            data.Add(label + " truncated", secret[..^1]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Near_miss_is_not_reported(string what, string nearMiss)
    {
        Assert.NotNull(what);
        // Plain, and through two encodings: a near miss must stay silent everywhere.
        var text = $"value={nearMiss}\nb64 {B64(nearMiss)}\nurl=x%20{Uri.EscapeDataString(nearMiss)}\n";
        Assert.Empty(Scan(text));
    }

    [Fact]
    public void The_genuine_secrets_in_the_near_miss_layout_are_found()
    {
        // The near-miss test above would pass on a blind scanner; this one proves the same layout is seen.
        foreach (var secret in new[] { GitHubToken, Password, Jwt, AzureStorageKey })
        {
            var text = $"value={secret}\nb64 {B64(secret)}\nurl=x%20{Uri.EscapeDataString(secret)}\n";
            Assert.Equal(3, Scan(text).Select(f => f.Line).Distinct().Count());
        }
    }
}
