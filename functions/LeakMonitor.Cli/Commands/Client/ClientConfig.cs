using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>
/// What <c>leakmon login</c> stores: the endpoint and a credential (an API key, or an Entra access token with its
/// expiry), in <c>$LEAKMON_CONFIG</c>, else <c>$XDG_CONFIG_HOME/leakmon/config.json</c>, else
/// <c>~/.config/leakmon/config.json</c>; the file is created 0600 in a 0700 folder (owner only).
/// <c>LEAKMON_ENDPOINT</c> and <c>LEAKMON_API_KEY</c> override it (for CI).
/// </summary>
internal sealed class ClientConfig
{
    [JsonPropertyName("endpoint")] public string Endpoint { get; set; } = "";
    /// <summary><c>api-key</c> or <c>entra</c>.</summary>
    [JsonPropertyName("credentialKind")] public string CredentialKind { get; set; } = "api-key";
    [JsonPropertyName("credential")] public string Credential { get; set; } = "";
    [JsonPropertyName("expiresAt")] public DateTimeOffset? ExpiresAt { get; set; }

    public static string DefaultPath(Func<string, string?> environment)
        => environment("LEAKMON_CONFIG") is { Length: > 0 } explicitPath ? explicitPath
            : Path.Combine(environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
                "leakmon", "config.json");

    public static ClientConfig? Load(string path)
        => File.Exists(path) ? JsonSerializer.Deserialize<ClientConfig>(File.ReadAllText(path)) : null;

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        else
        {
            Directory.CreateDirectory(directory);
        }
        var json = JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true });
        // Write a fresh owner-only file, then move it over the old one: the credential is never world-readable.
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(json);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary><c>http://host:7071</c> or <c>…/api</c> → <c>…/api/</c>, the base every route is relative to.</summary>
    public static Uri NormalizeEndpoint(string endpoint)
    {
        var trimmed = endpoint.Trim().TrimEnd('/');
        if (!trimmed.EndsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            trimmed += "/api";
        }
        return new Uri(trimmed + "/", UriKind.Absolute);
    }
}
