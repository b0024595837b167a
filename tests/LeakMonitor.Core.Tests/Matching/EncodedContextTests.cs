using System.Text;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>Secrets behind the encodings leaks come in: each must be decoded before it can match.</summary>
public class EncodedContextTests
{
    [Fact]
    public void Aws_secret_in_json_with_escaped_slashes_is_found()
    {
        var text = """{"aws":{"secret_access_key":"SECRET"}}""".Replace("SECRET", AwsSecretKey.Replace("/", "\\/"));
        Assert.Equal("escape", Scan(text).Single("aws-secret").DecoderChain);
    }

    [Fact]
    public void Password_with_unicode_escapes_in_json_is_found()
    {
        var escaped = string.Concat(Password.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"\\u{(int)c:x4}"));
        Assert.Contains("password", Scan("""{"password": "X"}""".Replace("X", escaped)).Labels());
    }

    [Fact]
    public void Password_with_quote_and_backslash_in_json_inside_a_json_string_is_found()
    {
        var inner = System.Text.Json.JsonSerializer.Serialize(new { password = QuotedPassword });
        var outer = System.Text.Json.JsonSerializer.Serialize(new { payload = inner });
        Assert.Equal("escape>escape", Scan(outer).Single("quoted-password").DecoderChain);
    }

    [Fact]
    public void Password_in_single_quoted_yaml_with_doubled_quotes_is_found()
    {
        var text = "database:\n  user: app\n  password: '" + ApostrophePassword.Replace("'", "''") + "'\n";
        Assert.Equal("quotes", Scan(text).Single("apostrophe-password").DecoderChain);
    }

    [Fact]
    public void Password_in_double_quoted_yaml_with_escapes_is_found()
    {
        var text = "password: \"" + QuotedPassword.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"\n";
        Assert.Contains("quoted-password", Scan(text).Labels());
    }

    [Fact]
    public void Password_in_url_userinfo_percent_encoded_is_found()
    {
        var text = "postgres://app:" + Uri.EscapeDataString(Password) + "@db.internal:5432/prod";
        Assert.Equal("url", Scan(text).Single("password").DecoderChain);
    }

    [Fact]
    public void Token_in_url_query_percent_encoded_twice_is_found()
    {
        var twice = Uri.EscapeDataString(Uri.EscapeDataString(AzureStorageKey));
        var text = "https://example.com/cb?state=x&key=" + twice + "&next=%2Fhome";
        Assert.Equal("url>url", Scan(text).Single("azure-storage").DecoderChain);
    }

    [Fact]
    public void Password_in_basic_authorization_header_is_found()
    {
        var text = "Authorization: Basic " + B64("deploy:" + Password);
        Assert.Equal("base64", Scan(text).Single("password").DecoderChain);
    }

    [Fact]
    public void Leaked_github_token_in_base64_k8s_secret_is_found()
    {
        var text = $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: ci-credentials
            type: Opaque
            data:
              username: {B64("ci-bot")}
              token: {B64(GitHubToken)}
            """;
        var f = Scan(text).Single("github");
        Assert.Equal(8, f.Line);
        Assert.Equal("base64", f.DecoderChain);
    }

    [Fact]
    public void Npm_token_in_docker_config_auth_is_found()
    {
        var text = """{"auths":{"registry.example.com":{"auth":"AUTH"}}}""".Replace("AUTH", B64("ci:" + NpmToken));
        Assert.Contains("npm", Scan(text).Labels());
    }

    [Fact]
    public void Secrets_in_base64_of_a_whole_config_file_are_found()
    {
        var config = $"[default]\naws_access_key_id = {AwsAccessKeyId}\naws_secret_access_key = {AwsSecretKey}\n";
        var text = "credentials_b64: " + B64(config);
        Assert.Equal(["aws-key-id", "aws-secret"], Scan(text).Labels().Order());
    }

    [Fact]
    public void Password_in_html_with_named_and_numeric_entities_is_found()
    {
        var html = Password.Replace("#", "&#x23;").Replace("$", "&#36;").Replace("!", "&excl;");
        var text = "<p>login: admin</p><p>pass: <code>" + html + "</code></p>";
        Assert.Equal("html", Scan(text).Single("password").DecoderChain);
    }

    [Fact]
    public void Password_with_quote_in_csv_dump_with_doubled_quotes_is_found()
    {
        var text = "id,email,password\n17,dana@example.com,\"" + QuotedPassword.Replace("\"", "\"\"") + "\"\n";
        Assert.Equal("quotes", Scan(text).Single("quoted-password").DecoderChain);
    }

    [Theory]
    [InlineData(76, "\n", "")]      // base64 (coreutils), MIME
    [InlineData(64, "\r\n", "")]    // openssl base64
    [InlineData(76, "\n", "    ")]  // a block scalar in YAML
    public void Secret_split_by_the_wrapping_of_a_base64_encoded_file_is_found_once(int columns, string newline,
        string indent)
    {
        // 40 bytes in, the 40-byte token straddles the 57th byte: no single wrapped line decodes to all of it.
        var config = "#" + new string('-', 25) + "\nGITHUB_TOKEN=" + GitHubToken + "\nSTRIPE_KEY=" + StripeKey
            + "\nDB_PASSWORD=" + Password + "\n";
        var encoded = B64(config);
        var lines = Enumerable.Range(0, (encoded.Length + columns - 1) / columns)
            .Select(i => encoded.Substring(i * columns, Math.Min(columns, encoded.Length - i * columns))).ToList();
        Assert.DoesNotContain(lines, l => Encoding.UTF8.GetString(Convert.FromBase64String(l.PadRight((l.Length + 3) / 4 * 4, '=')))
            .Contains(GitHubToken, StringComparison.Ordinal));
        var text = "kind: Secret" + newline + "data: |" + newline
            + string.Concat(lines.Select(l => indent + l + newline)) + "other: value" + newline;

        var findings = Scan(text);

        foreach (var label in new[] { "github", "stripe", "password" })
        {
            var f = findings.Single(label);
            Assert.Equal(("base64", 3L), (f.DecoderChain, f.Line));
        }
    }

    [Fact]
    public void Lines_of_base64_that_are_not_one_block_are_each_decoded_on_their_own()
    {
        var a = B64("token: " + GitHubToken + " and some padding text here");
        var b = B64("npm: " + NpmToken + " with more words to be long enough");
        var text = a + "\n\n" + b + "\nplain " + StripeKey + "\n";
        var findings = Scan(text);
        Assert.Equal(["github", "npm", "stripe"], findings.Labels());
        Assert.Equal((1L, 3L), (findings.Single("github").Line, findings.Single("npm").Line));
    }

    [Fact]
    public void Password_in_sql_dump_with_doubled_quotes_is_found()
    {
        var text = "INSERT INTO users (id, login, password) VALUES (1,'root','"
            + ApostrophePassword.Replace("'", "''") + "'),(2,'guest','guest');";
        Assert.Contains("apostrophe-password", Scan(text).Labels());
    }

    [Fact]
    public void Slack_token_split_by_quoted_printable_soft_line_break_is_found()
    {
        var body = "Hi team, the bot token for the release channel is " + SlackBotToken
            + " - please don't share it outside of the team.";
        var qp = new StringBuilder();
        var column = 0;
        foreach (var c in body)
        {
            if (column == 75)
            {
                qp.Append("=\r\n");
                column = 0;
            }
            qp.Append(c);
            column++;
        }
        var mail = "From: a@example.com\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n";
        Assert.DoesNotContain(SlackBotToken, qp.ToString(), StringComparison.Ordinal); // it straddles a soft break
        Assert.Equal("qp", Scan(mail).Single("slack").DecoderChain);
    }

    [Fact]
    public void Password_with_quoted_printable_escapes_is_found()
    {
        var text = "Your new password is: " + Password.Replace("$", "=24").Replace("#", "=23") + "\r\n";
        Assert.Contains("password", Scan(text).Labels());
    }

    [Fact]
    public void Stripe_key_in_hex_is_found()
    {
        var text = "blob=" + Convert.ToHexString(Encoding.UTF8.GetBytes(StripeKey)).ToLowerInvariant();
        Assert.Equal("hex", Scan(text).Single("stripe").DecoderChain);
    }

    [Fact]
    public void Jwt_in_cookie_header_is_found()
    {
        var text = "Set-Cookie: session=" + Jwt + "; Path=/; HttpOnly";
        Assert.Contains("jwt", Scan(text).Labels());
    }
}
