using System.CommandLine;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>What <c>leakmon secrets add</c> registers besides the fingerprint.</summary>
internal sealed record SecretDetails(string? Label, string? Owner, string? Kind, string? WebhookUrl, int? Epoch);

/// <summary>
/// <c>leakmon secrets add|list|remove</c>. <c>add</c> fingerprints the secret on this machine (from stdin, a file or an
/// environment variable) and sends only the fingerprint, through the idempotent bulk route, so re-running it changes
/// nothing; <c>add --bulk FILE</c> registers a whole <c>leakmon fingerprint</c> output.
/// </summary>
internal static class SecretsCommand
{
    private const int BulkChunk = 5000;

    public static Command Create()
    {
        var command = new Command("secrets", "Register, list and remove your team's secrets (only fingerprints leave this machine).");
        command.Subcommands.Add(CreateAdd());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateRemove());
        return command;
    }

    private static Command CreateAdd()
    {
        var label = new Option<string?>("--label") { Description = "What the secret is, as incidents will name it (required without --bulk)." };
        var owner = new Option<string?>("--owner") { Description = "Who answers for the secret." };
        var kind = new Option<string?>("--kind") { Description = "Kind of secret, e.g. github-token, db-password." };
        var webhook = new Option<string?>("--webhook") { Description = "https URL of the rotation webhook LeakMonitor calls on a leak." };
        var fromFile = new Option<string?>("--from-file") { Description = "Read the secret from this file ('-' = stdin)." };
        var fromEnv = new Option<string?>("--from-env") { Description = "Read the secret from this environment variable." };
        var bulk = new Option<string?>("--bulk") { Description = "Register every line of this 'leakmon fingerprint' output ('-' = stdin)." };
        var salt = SaltOption.Create();
        var epoch = EpochOption.Create();
        var json = JsonOption();
        var command = new Command("add",
            "Fingerprint a secret locally and register the fingerprint. The secret is read from stdin (hidden on a " +
            "terminal), --from-file or --from-env; never pass it as an argument. With --bulk, register a file of " +
            "fingerprints instead. Re-running registers the same rows again (idempotent). Exit codes: 0 ok, " +
            "1 refused, 2 usage, 3 not allowed, 4 unavailable.")
        {
            label, owner, kind, webhook, fromFile, fromEnv, bulk, salt, epoch, json,
        };
        command.SetAction((parse, ct) =>
        {
            var context = ClientContext.FromConsole();
            var details = new SecretDetails(parse.GetValue(label), parse.GetValue(owner), parse.GetValue(kind),
                parse.GetValue(webhook), null);
            return parse.GetValue(bulk) is { } file
                ? AddBulkAsync(context, file, details, parse.GetValue(epoch), parse.GetValue(json), ct)
                : AddAsync(context, details, parse.GetValue(fromFile), parse.GetValue(fromEnv), parse.GetValue(salt),
                    parse.GetValue(epoch), parse.GetValue(json), ct);
        });
        return command;
    }

    internal static async Task<int> AddAsync(ClientContext context, SecretDetails details, string? fromFile,
        string? fromEnv, string? saltOption, int? epochOption, bool json, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(details.Label))
        {
            context.Error.WriteLine("leakmon secrets add: --label is required");
            return ExitCodes.Usage;
        }
        int? epoch;
        byte[] salt;
        try
        {
            epoch = EpochOption.Resolve(epochOption, context.Environment);
            salt = SaltOption.Resolve(saltOption, context.Error);
        }
        catch (Exception e) when (e is FormatException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            context.Error.WriteLine($"leakmon secrets add: {e.Message}");
            return ExitCodes.Usage;
        }
        var secret = SecretInput.Read(context, fromFile, fromEnv, "Secret", out var problem);
        if (string.IsNullOrWhiteSpace(secret))
        {
            context.Error.WriteLine($"leakmon secrets add: {problem ?? "the secret is empty"}");
            return ExitCodes.Usage;
        }
        var normalized = FingerprintScheme.Normalize(secret);
        var item = new Dictionary<string, object?>
        {
            ["label"] = details.Label.Trim(),
            ["fingerprint"] = FingerprintScheme.Format(FingerprintScheme.Hash(salt, normalized)),
            ["prefilter"] = Prefilter.Format(new Prefilter(salt).Compute(normalized)),
            ["length"] = normalized.Length,
            ["epoch"] = epoch,
            ["owner"] = details.Owner,
            ["kind"] = details.Kind,
            ["webhookUrl"] = details.WebhookUrl,
        };
        return await RegisterAsync(context, [item], json, ct).ConfigureAwait(false);
    }

    internal static async Task<int> AddBulkAsync(ClientContext context, string file, SecretDetails details,
        int? epochOption, bool json, CancellationToken ct)
    {
        int? epoch;
        List<Dictionary<string, object?>> items;
        try
        {
            epoch = EpochOption.Resolve(epochOption, context.Environment);
            items = ReadRegistry(file == "-" ? context.Stdin : new StreamReader(file), details, epoch);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            context.Error.WriteLine($"leakmon secrets add: {e.Message}");
            return ExitCodes.Usage;
        }
        if (items.Count == 0)
        {
            context.Error.WriteLine($"leakmon secrets add: {file} holds no fingerprints");
            return ExitCodes.Usage;
        }
        return await RegisterAsync(context, items, json, ct).ConfigureAwait(false);
    }

    /// <summary>Lines of 'leakmon fingerprint' output; a line holding a secret is refused without showing it.</summary>
    private static List<Dictionary<string, object?>> ReadRegistry(TextReader reader, SecretDetails details, int? epoch)
    {
        var items = new List<Dictionary<string, object?>>();
        var number = 0;
        using (reader)
        {
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                JsonElement root;
                try
                {
                    root = JsonDocument.Parse(line).RootElement;
                }
                catch (JsonException)
                {
                    throw new InvalidDataException($"line {number} is not a 'leakmon fingerprint' JSON line");
                }
                if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("secret", out _))
                {
                    throw new InvalidDataException($"line {number} is not a 'leakmon fingerprint' line (it may hold a " +
                        "plaintext secret: run the file through 'leakmon fingerprint' first)");
                }
                items.Add(new Dictionary<string, object?>
                {
                    ["label"] = root.TryGetProperty("label", out var l) ? l.GetString() : null,
                    ["fingerprint"] = root.TryGetProperty("fingerprint", out var f) ? f.GetString() : null,
                    ["length"] = root.TryGetProperty("length", out var n) && n.TryGetInt32(out var length) ? length : null,
                    ["prefilter"] = root.TryGetProperty("prefilter", out var pf) && pf.ValueKind == JsonValueKind.String ? pf.GetString() : null,
                    ["epoch"] = root.TryGetProperty("epoch", out var e) && e.TryGetInt32(out var lineEpoch) ? lineEpoch : epoch,
                    ["owner"] = details.Owner,
                    ["kind"] = details.Kind,
                    ["webhookUrl"] = details.WebhookUrl,
                });
            }
        }
        return items;
    }

    private static async Task<int> RegisterAsync(ClientContext context, List<Dictionary<string, object?>> items,
        bool json, CancellationToken ct)
    {
        using var client = context.Connect();
        if (client is null)
        {
            return ExitCodes.Usage;
        }
        var registered = new List<JsonElement>();
        try
        {
            foreach (var chunk in items.Chunk(BulkChunk))
            {
                var answer = await client.PostAsync("fingerprints/bulk", new { fingerprints = chunk }, ct).ConfigureAwait(false);
                registered.AddRange(answer.GetProperty("items").EnumerateArray());
            }
        }
        catch (ApiProblem p)
        {
            context.Error.WriteLine($"leakmon secrets add: {p.Message}");
            if (registered.Count > 0)
            {
                context.Error.WriteLine($"leakmon secrets add: {registered.Count} were registered before that; re-run to finish (it is idempotent)");
            }
            return p.ExitCode;
        }
        TableOutput.Write(context.Out, JsonSerializer.SerializeToElement(registered), json, ("id", "id"), ("label", "label"));
        return ExitCodes.Ok;
    }

    private static Command CreateList()
    {
        var json = JsonOption();
        var command = new Command("list", "Your team's registered secrets (labels and ids; never a fingerprint).") { json };
        command.SetAction((parse, ct) => ListAsync(ClientContext.FromConsole(), parse.GetValue(json), ct));
        return command;
    }

    internal static Task<int> ListAsync(ClientContext context, bool json, CancellationToken ct)
        => Run(context, "secrets list", async client => TableOutput.Write(context.Out,
            await client.GetAsync("fingerprints", ct).ConfigureAwait(false), json,
            ("id", "id"), ("label", "label"), ("version", "version"), ("length", "length"), ("created", "createdAt")));

    private static Command CreateRemove()
    {
        var id = new Argument<string>("id") { Description = "The secret's id (from 'leakmon secrets list')." };
        var command = new Command("remove", "Stop watching for a secret.") { id };
        command.SetAction((parse, ct) => RemoveAsync(ClientContext.FromConsole(), parse.GetValue(id)!, ct));
        return command;
    }

    internal static Task<int> RemoveAsync(ClientContext context, string id, CancellationToken ct)
        => Run(context, "secrets remove", async client =>
        {
            await client.DeleteAsync($"fingerprints/{Uri.EscapeDataString(id)}", ct).ConfigureAwait(false);
            context.Out.WriteLine($"removed {id}");
        });

    internal static Option<bool> JsonOption() => new("--json") { Description = "Write the API's JSON instead of a table." };

    /// <summary>Connects, runs, and turns an API problem into its message and exit code.</summary>
    internal static async Task<int> Run(ClientContext context, string name, Func<ApiClient, Task> action)
    {
        using var client = context.Connect();
        if (client is null)
        {
            return ExitCodes.Usage;
        }
        try
        {
            await action(client).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (ApiProblem p)
        {
            context.Error.WriteLine($"leakmon {name}: {p.Message}");
            return p.ExitCode;
        }
    }
}
