namespace LeakMonitor.Cli.Commands.Client;

/// <summary>
/// Exit codes of the client commands (login, secrets, incidents, sources), as scripts see them.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The API refused the request (400, 404, 409, 413): the message says what to fix.</summary>
    public const int Refused = 1;
    /// <summary>Usage or local error: bad option, unreadable input, not logged in.</summary>
    public const int Usage = 2;
    /// <summary>Not authenticated or not allowed (401, 403): log in again or ask a team admin.</summary>
    public const int Auth = 3;
    /// <summary>The service is unreachable, rate limited (429) or failing (5xx): retry later.</summary>
    public const int Unavailable = 4;
}

/// <summary>What a client command talks to: its streams, environment, config file and (in tests) HTTP handler.</summary>
internal sealed record ClientContext(
    TextReader Stdin, TextWriter Out, TextWriter Error, Func<string, string?> Environment, string ConfigPath,
    HttpMessageHandler? Handler = null)
{
    public static ClientContext FromConsole()
        => new(Console.In, Console.Out, Console.Error, System.Environment.GetEnvironmentVariable,
            ClientConfig.DefaultPath(System.Environment.GetEnvironmentVariable));

    /// <summary>The API client from LEAKMON_ENDPOINT/LEAKMON_API_KEY or the login config; null (and a message) if neither.</summary>
    public ApiClient? Connect()
    {
        ClientConfig? config;
        try
        {
            config = ClientConfig.Load(ConfigPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Error.WriteLine($"leakmon: cannot read {ConfigPath}: {e.Message}");
            return null;
        }
        var endpoint = Environment("LEAKMON_ENDPOINT") is { Length: > 0 } e1 ? e1 : config?.Endpoint;
        var credential = Environment("LEAKMON_API_KEY") is { Length: > 0 } k ? k : config?.Credential;
        if (string.IsNullOrEmpty(endpoint) || string.IsNullOrEmpty(credential))
        {
            Error.WriteLine("leakmon: not logged in. Run 'leakmon login --endpoint URL' (the key is read from stdin), " +
                "or set LEAKMON_ENDPOINT and LEAKMON_API_KEY.");
            return null;
        }
        if (config is { CredentialKind: "entra", ExpiresAt: { } expires } && expires <= DateTimeOffset.UtcNow
            && Environment("LEAKMON_API_KEY") is not { Length: > 0 })
        {
            Error.WriteLine("leakmon: your Entra sign-in has expired; run 'leakmon login --entra ...' again.");
            return null;
        }
        return new ApiClient(ClientConfig.NormalizeEndpoint(endpoint), credential, Handler);
    }
}
