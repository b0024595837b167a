using System.Text.Json;
using LeakMonitor.Cli.Commands;
using LeakMonitor.Cli.Commands.Client;
using LeakMonitor.Core.Api;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests.Access;

/// <summary>
/// The <c>leakmon</c> client commands (the same code the executable runs) against the real local host: log in,
/// register secrets from stdin, a file, an environment variable and a bulk file, list, remove, sources, incidents;
/// then prove no planted secret reached any log, queue, table or blob.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CliClientTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestHost host = null!;
    private string directory = "";

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync(azurite, s => s["Api:RateLimitBurst"] = "100000");
        directory = Directory.CreateTempSubdirectory("leakmon-cli-").FullName;
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private (ClientContext Context, StringWriter Out, StringWriter Error) Context(string stdin = "",
        Dictionary<string, string?>? environment = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = environment ?? [];
        return (new ClientContext(new StringReader(stdin), output, error, name => env.GetValueOrDefault(name),
            Path.Combine(directory, "config", "config.json")), output, error);
    }

    [Fact]
    public async Task Secrets_registered_through_the_cli_never_leave_the_machine_in_plaintext()
    {
        await Access.CreateTeamAsync(host, "ops");
        var (_, key) = await Access.CreateKeyAsync(host, "ops", Roles.Member);
        var endpoint = host.Api.BaseAddress!.ToString().Replace("/api/", "", StringComparison.Ordinal);

        // login: the key comes on stdin, is checked against the API and stored owner-only.
        var login = Context(key + "\n");
        Assert.Equal(0, await LoginCommand.RunAsync(login.Context, endpoint, null, null, default));
        Assert.Contains("member of team ops", login.Out.ToString());
        var configPath = login.Context.ConfigPath;
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(configPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.GetDirectoryName(configPath)!));
        }

        const string fromStdin = "ghp_cliStdinSecret000000000000000000001";
        const string fromEnv = "xoxb-cli-env-secret-0000000000000000002";
        const string fromFile = "AKIACLIFILESECRET0003";
        const string bulkSecret = "sk_live_cliBulkSecret000000000000004";
        var secretFile = Path.Combine(directory, "secret.txt");
        await File.WriteAllTextAsync(secretFile, fromFile + "\n");

        var details = new SecretDetails("github ci token", "alice@example.com", "github-token", null, null);
        var add = Context(fromStdin + "\n");
        Assert.Equal(0, await SecretsCommand.AddAsync(add.Context, details, null, null, null, null, json: true, default));
        var addedId = JsonDocument.Parse(add.Out.ToString()).RootElement[0].GetProperty("id").GetString()!;
        // Idempotent: adding the same secret again registers the same row.
        var again = Context(fromStdin + "\n");
        Assert.Equal(0, await SecretsCommand.AddAsync(again.Context, details, null, null, null, null, json: true, default));
        Assert.Equal(addedId, JsonDocument.Parse(again.Out.ToString()).RootElement[0].GetProperty("id").GetString());

        var env = Context(environment: new() { ["SLACK_TOKEN"] = fromEnv });
        Assert.Equal(0, await SecretsCommand.AddAsync(env.Context, details with { Label = "slack bot" }, null, "SLACK_TOKEN", null, null, false, default));
        var file = Context();
        Assert.Equal(0, await SecretsCommand.AddAsync(file.Context, details with { Label = "aws key" }, secretFile, null, null, null, false, default));

        // bulk: 'leakmon fingerprint' output, registered as is.
        var registry = new StringWriter();
        Assert.Equal(0, FingerprintCommand.Run(null, new StringReader($"{{\"label\": \"stripe\", \"secret\": \"{bulkSecret}\"}}\nplain-secret-line-0005\n"),
            registry, new StringWriter()));
        var registryFile = Path.Combine(directory, "registry.jsonl");
        await File.WriteAllTextAsync(registryFile, registry.ToString());
        var bulk = Context();
        Assert.Equal(0, await SecretsCommand.AddBulkAsync(bulk.Context, registryFile, details with { Label = null }, null, false, default));
        Assert.Contains("stripe", bulk.Out.ToString());

        var list = Context();
        Assert.Equal(0, await SecretsCommand.ListAsync(list.Context, json: false, default));
        var table = list.Out.ToString();
        Assert.StartsWith("ID", table);
        foreach (var label in new[] { "github ci token", "slack bot", "aws key", "stripe", "secret-2" })
        {
            Assert.Contains(label, table);
        }
        Assert.Equal(6, table.Trim().Split('\n').Length);

        Assert.Equal(0, await SecretsCommand.RemoveAsync(Context().Context, addedId, default));
        var gone = Context();
        Assert.Equal(ExitCodes.Refused, await SecretsCommand.RemoveAsync(gone.Context, addedId, default));
        Assert.Contains("404 Fingerprint not found", gone.Error.ToString());

        // sources and incidents through the same client.
        var source = Context();
        Assert.Equal(0, await SourcesCommand.AddAsync(source.Context, "pastes", "feed", "http://127.0.0.1:9/feed.xml", 60, false, default));
        Assert.Contains("pastes", source.Out.ToString());
        var badSource = Context();
        Assert.Equal(ExitCodes.Refused, await SourcesCommand.AddAsync(badSource.Context, "x", "gopher", "ftp://x", null, false, default));
        Assert.Contains("  kind: must be one of", badSource.Error.ToString());
        var sources = Context();
        Assert.Equal(0, await SourcesCommand.ListAsync(sources.Context, true, default));
        Assert.Single(JsonDocument.Parse(sources.Out.ToString()).RootElement.EnumerateArray());
        var incidents = Context();
        Assert.Equal(0, await IncidentsCommand.ListAsync(incidents.Context, false, default));
        Assert.Equal("(none)", incidents.Out.ToString().Trim());

        // An unknown key: the CLI shows the problem and exits 3.
        var denied = Context(environment: new() { ["LEAKMON_ENDPOINT"] = endpoint, ["LEAKMON_API_KEY"] = "lmk_0123456789abcdef_" + new string('C', 43) });
        Assert.Equal(ExitCodes.Auth, await SecretsCommand.ListAsync(denied.Context, false, default));
        Assert.Contains("401 Authentication required", denied.Error.ToString());

        var planted = new[] { fromStdin, fromEnv, fromFile, bulkSecret, "plain-secret-line-0005", key };
        var logs = string.Join("\n", host.Logs.Lines);
        var queues = string.Join("\n", await host.PeekAllQueuesAsync());
        var tables = string.Join("\n", await host.DumpAllTablesAsync());
        var blobs = string.Join("\n", await host.DumpAllBlobsAsync());
        Assert.NotEmpty(tables);
        foreach (var secret in planted)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, queues);
            Assert.DoesNotContain(secret, tables);
            Assert.DoesNotContain(secret, blobs);
        }
        foreach (var output in new[] { add, again, env, file, bulk, list })
        {
            Assert.DoesNotContain(fromStdin, output.Out.ToString() + output.Error);
        }
    }

    [Fact]
    public async Task Without_login_or_with_a_bad_key_the_cli_says_what_to_do()
    {
        var none = Context();
        Assert.Equal(ExitCodes.Usage, await SecretsCommand.ListAsync(none.Context, false, default));
        Assert.Contains("leakmon login", none.Error.ToString());
        var endpoint = host.Api.BaseAddress!.ToString();
        var bad = Context("lmk_0123456789abcdef_" + new string('D', 43));
        Assert.Equal(ExitCodes.Auth, await LoginCommand.RunAsync(bad.Context, endpoint, null, null, default));
        Assert.False(File.Exists(bad.Context.ConfigPath));
        var plaintextBulk = Path.Combine(directory, "oops.jsonl");
        await File.WriteAllTextAsync(plaintextBulk, "{\"label\": \"x\", \"secret\": \"do-not-print-me-0006\"}\n");
        var refused = Context(environment: new() { ["LEAKMON_ENDPOINT"] = endpoint, ["LEAKMON_API_KEY"] = host.Settings["Api:BootstrapKey"] });
        Assert.Equal(ExitCodes.Usage, await SecretsCommand.AddBulkAsync(refused.Context, plaintextBulk, new(null, null, null, null, null), null, false, default));
        Assert.Contains("leakmon fingerprint", refused.Error.ToString());
        Assert.DoesNotContain("do-not-print-me", refused.Error.ToString());
    }

    [Fact]
    public async Task A_team_admin_creates_lists_and_revokes_keys_with_the_cli()
    {
        await Access.CreateTeamAsync(host, "ops");
        var (_, adminKey) = await Access.CreateKeyAsync(host, "ops", Roles.TeamAdmin);
        var env = new Dictionary<string, string?> { ["LEAKMON_ENDPOINT"] = host.Api.BaseAddress!.ToString(), ["LEAKMON_API_KEY"] = adminKey };
        var create = Context(environment: env);
        Assert.Equal(0, await KeysCommand.CreateAsync(create.Context, "ci", null, null, 7, default));
        var key = create.Out.ToString().Trim();
        Assert.StartsWith("lmk_", key);
        Assert.Contains("shown only this once", create.Error.ToString());
        var id = key.Split('_')[1];

        var list = Context(environment: env);
        Assert.Equal(0, await KeysCommand.ListAsync(list.Context, null, false, default));
        Assert.Contains(id, list.Out.ToString());
        Assert.DoesNotContain(key, list.Out.ToString());
        var escalate = Context(environment: env);
        Assert.Equal(ExitCodes.Auth, await KeysCommand.CreateAsync(escalate.Context, "root", "platform-admin", null, null, default));
        Assert.Contains("403", escalate.Error.ToString());

        Assert.Equal(0, await KeysCommand.RevokeAsync(Context(environment: env).Context, id, default));
        using var revoked = host.Client(key);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await revoked.GetAsync("me")).StatusCode);
    }

    [Fact]
    public async Task Acknowledge_and_resolve_call_the_incident_routes()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        receiver.MapText("api/incidents/inc-1/acknowledge", "application/json", () => "{}");
        var env = new Dictionary<string, string?> { ["LEAKMON_ENDPOINT"] = receiver.BaseUrl.ToString(), ["LEAKMON_API_KEY"] = "k" };
        var ack = Context(environment: env);
        Assert.Equal(0, await IncidentsCommand.TransitionAsync(ack.Context, "acknowledge", "inc-1", "on it", default));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("Bearer k", request.Headers["Authorization"]);
        Assert.Contains("\"note\":\"on it\"", System.Text.Encoding.UTF8.GetString(request.Body));
        var resolve = Context(environment: env);
        Assert.Equal(ExitCodes.Refused, await IncidentsCommand.TransitionAsync(resolve.Context, "resolve", "inc-1", null, default));
        Assert.Equal("/api/incidents/inc-1/resolve", receiver.Requests.Last().Path);
    }
}
