using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>Secrets as they sit, unencoded, in the files people paste.</summary>
public class PlainContextTests
{
    [Fact]
    public void Leaked_github_token_in_plain_text_is_found_with_its_line_and_offset()
    {
        var text = "first line\nmy token is " + GitHubToken + ", please rotate\n";
        var f = Scan(text).Single("github");
        Assert.Equal(2, f.Line);
        Assert.Equal(text.IndexOf(GitHubToken, StringComparison.Ordinal), f.Offset);
        Assert.Equal("plain", f.DecoderChain);
    }

    [Fact]
    public void Aws_keys_in_env_file_and_shell_script_are_found()
    {
        var text = $"""
            # .env
            AWS_ACCESS_KEY_ID={AwsAccessKeyId}
            export AWS_SECRET_ACCESS_KEY="{AwsSecretKey}"
            aws configure set aws_secret_access_key '{AwsSecretKey}' && echo done
            """;
        var findings = Scan(text);
        Assert.Equal(2, findings.Single("aws-key-id").Line);
        Assert.Equal([3, 4], findings.Where(f => f.Fingerprint.Label == "aws-secret").Select(f => f.Line));
    }

    [Fact]
    public void Stripe_and_slack_keys_in_source_code_strings_are_found()
    {
        var text = $$"""
            const stripe = require('stripe')('{{StripeKey}}');
            SLACK = os.environ.get("SLACK_TOKEN", "{{SlackBotToken}}")
            """;
        Assert.Equal(["stripe", "slack"], Scan(text).Labels());
    }

    [Fact]
    public void Slack_token_in_a_log_line_is_found()
    {
        var text = $"2024-05-01T10:22:03.114Z INFO  [worker-3] posting to slack token={SlackBotToken} channel=#ops";
        Assert.Equal("plain", Scan(text).Single("slack").DecoderChain);
    }

    [Fact]
    public void Password_in_combo_list_is_found()
    {
        var text = "alice@example.com:letmein123\nbob@example.org:" + ComboPassword + "\ncarol@example.net:qwerty\n";
        Assert.Equal(2, Scan(text).Single("combo-password").Line);
    }

    [Fact]
    public void Azure_storage_key_in_connection_string_is_found()
    {
        var text = "DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=" + AzureStorageKey
            + ";EndpointSuffix=core.windows.net";
        Assert.Contains("azure-storage", Scan(text).Labels());
    }

    [Fact]
    public void Password_with_punctuation_in_sql_server_connection_string_is_found()
    {
        var text = $"Server=tcp:db.example.com,1433;User ID=app;Password={Password};Encrypt=True;";
        Assert.Contains("password", Scan(text).Labels());
    }

    [Fact]
    public void Npm_token_in_npmrc_is_found()
    {
        var text = "//registry.npmjs.org/:_authToken=" + NpmToken + "\n";
        Assert.Contains("npm", Scan(text).Labels());
    }

    [Fact]
    public void Jwt_in_bearer_authorization_header_is_found()
    {
        var text = "GET /api/v1/me HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer " + Jwt + "\r\n\r\n";
        Assert.Equal(3, Scan(text).Single("jwt").Line);
    }

    [Fact]
    public void Secret_glued_to_word_characters_is_not_a_candidate()
    {
        // Inside a longer token the same characters are not that secret.
        Assert.Empty(Scan("x" + GitHubToken + "0"));
    }

    [Fact]
    public void Empty_index_finds_nothing_and_content_without_secrets_finds_nothing()
    {
        Assert.Empty(Scan("just some text " + GitHubToken, Core.Matching.FingerprintIndex.Empty));
        Assert.Empty(Scan("just some text without any registered secret\nAKIAQ3EGRTLYK5NZ7W2Q\n"));
    }
}
