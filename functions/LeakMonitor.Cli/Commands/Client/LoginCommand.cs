using System.CommandLine;
using Microsoft.Identity.Client;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>
/// <c>leakmon login</c>: check a credential against the API and store it with the endpoint (owner-only file). The API
/// key is read from stdin, a file or an environment variable, never from the command line (which shells keep in
/// history and other users can see in the process list). <c>--entra</c> signs in with Microsoft Entra ID by device
/// code instead and stores the access token until it expires.
/// </summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint")
        {
            Description = "The API, e.g. https://<app>.azurewebsites.net or http://127.0.0.1:7071 ('/api' is added).",
            Required = true,
        };
        var keyFromEnv = new Option<string?>("--key-from-env") { Description = "Read the API key from this environment variable." };
        var keyFromFile = new Option<string?>("--key-from-file") { Description = "Read the API key from this file." };
        var entra = new Option<bool>("--entra") { Description = "Sign in with Microsoft Entra ID (device code) instead of an API key." };
        var tenant = new Option<string?>("--tenant") { Description = "Entra tenant id (with --entra)." };
        var clientId = new Option<string?>("--client-id") { Description = "Client id of the leakmon public client app registration (with --entra)." };
        var scope = new Option<string?>("--scope") { Description = "The API's scope, e.g. api://leakmonitor/.default (with --entra)." };
        var command = new Command("login",
            "Store the endpoint and your credential for the other client commands, in ~/.config/leakmon/config.json " +
            "(mode 0600; $LEAKMON_CONFIG to choose another file). The API key is read from stdin unless " +
            "--key-from-env or --key-from-file says otherwise. Exit codes: 0 ok, 1 refused, 2 usage, 3 key not " +
            "valid, 4 service unreachable.")
        {
            endpoint, keyFromEnv, keyFromFile, entra, tenant, clientId, scope,
        };
        command.SetAction((parse, ct) => parse.GetValue(entra)
            ? EntraAsync(ClientContext.FromConsole(), parse.GetValue(endpoint)!, parse.GetValue(tenant),
                parse.GetValue(clientId), parse.GetValue(scope), ct)
            : RunAsync(ClientContext.FromConsole(), parse.GetValue(endpoint)!, parse.GetValue(keyFromEnv),
                parse.GetValue(keyFromFile), ct));
        return command;
    }

    internal static async Task<int> RunAsync(ClientContext context, string endpoint, string? keyFromEnv,
        string? keyFromFile, CancellationToken ct)
    {
        var key = SecretInput.Read(context, keyFromFile, keyFromEnv, "API key", out var problem)?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            context.Error.WriteLine($"leakmon login: {problem ?? "no API key given"}");
            return ExitCodes.Usage;
        }
        return await VerifyAndSaveAsync(context, endpoint, new ClientConfig { CredentialKind = "api-key", Credential = key }, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Device code sign-in. Not exercised by the tests (no Entra tenant here); kept small on purpose.</summary>
    internal static async Task<int> EntraAsync(ClientContext context, string endpoint, string? tenant, string? clientId,
        string? scope, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(scope))
        {
            context.Error.WriteLine("leakmon login --entra needs --tenant, --client-id and --scope.");
            return ExitCodes.Usage;
        }
        var app = PublicClientApplicationBuilder.Create(clientId)
            .WithAuthority(AzureCloudInstance.AzurePublic, tenant)
            .Build();
        AuthenticationResult result;
        try
        {
            result = await app.AcquireTokenWithDeviceCode([scope], code =>
            {
                context.Error.WriteLine(code.Message);
                return Task.CompletedTask;
            }).ExecuteAsync(ct).ConfigureAwait(false);
        }
        catch (MsalException e)
        {
            context.Error.WriteLine($"leakmon login: Entra sign-in failed: {e.Message}");
            return ExitCodes.Auth;
        }
        return await VerifyAndSaveAsync(context, endpoint, new ClientConfig
        {
            CredentialKind = "entra",
            Credential = result.AccessToken,
            ExpiresAt = result.ExpiresOn,
        }, ct).ConfigureAwait(false);
    }

    private static async Task<int> VerifyAndSaveAsync(ClientContext context, string endpoint, ClientConfig config,
        CancellationToken ct)
    {
        Uri baseAddress;
        try
        {
            baseAddress = ClientConfig.NormalizeEndpoint(endpoint);
        }
        catch (UriFormatException)
        {
            context.Error.WriteLine($"leakmon login: '{endpoint}' is not a URL");
            return ExitCodes.Usage;
        }
        using var client = new ApiClient(baseAddress, config.Credential, context.Handler);
        try
        {
            var me = await client.GetAsync("me", ct).ConfigureAwait(false);
            config.Endpoint = baseAddress.ToString();
            config.ExpiresAt ??= me.TryGetProperty("expiresAt", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String
                ? e.GetDateTimeOffset() : null;
            config.Save(context.ConfigPath);
            context.Out.WriteLine($"Logged in to {baseAddress} as {me.GetProperty("role").GetString()} of team " +
                $"{me.GetProperty("team").GetString()} ({me.GetProperty("subject").GetString()}); saved to {context.ConfigPath}");
            return ExitCodes.Ok;
        }
        catch (ApiProblem p)
        {
            context.Error.WriteLine($"leakmon login: {p.Message}");
            return p.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"leakmon login: cannot write {context.ConfigPath}: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}
