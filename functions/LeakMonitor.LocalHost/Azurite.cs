using System.Diagnostics;

namespace LeakMonitor.LocalHost;

/// <summary>
/// Azurite, the Azure Storage emulator, run from the repository's node_modules (installed with <c>npm ci</c> on first
/// use from the pinned package.json). Used by <c>leakmon serve</c> and by the integration tests.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";
    // The emulator's well-known, public development key.
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public static readonly (int Blob, int Queue, int Table) DefaultPorts = (10000, 10001, 10002);

    private readonly Process process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    public static string ConnectionStringFor(int blob, int queue, int table) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blob}/{AccountName};QueueEndpoint=http://127.0.0.1:{queue}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{table}/{AccountName};";

    /// <summary>True when something already listens on Azurite's default ports (an Azurite someone else started).</summary>
    public static bool IsListeningOnDefaultPorts()
        => LoopbackPorts.IsListening(DefaultPorts.Blob) && LoopbackPorts.IsListening(DefaultPorts.Queue) && LoopbackPorts.IsListening(DefaultPorts.Table);

    /// <summary>
    /// Starts Azurite. <paramref name="location"/> null = in memory; ports null = free ports chosen now.
    /// Progress (npm install, start) goes to <paramref name="progress"/>.
    /// </summary>
    public static async Task<Azurite> StartAsync(string? location, (int Blob, int Queue, int Table)? ports,
        TextWriter progress, CancellationToken ct)
    {
        var root = FindPackageRoot()
            ?? throw new InvalidOperationException(
                "Cannot start Azurite: no package.json naming azurite was found above the current directory or the " +
                "program. Run from the LeakMonitor repository, or start Azurite yourself and set AzureWebJobsStorage.");
        var bin = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
        {
            progress.WriteLine($"leakmon: installing Azurite (npm ci in {root}) ...");
            await RunToEndAsync("npm", ["ci", "--no-audit", "--no-fund"], root, ct).ConfigureAwait(false);
        }
        var (blob, queue, table) = ports ?? (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        List<string> args =
        [
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
            "--skipApiVersionCheck", "--loose", "--silent",
        ];
        if (location is null)
        {
            args.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(location);
            args.AddRange(["--location", location]);
        }
        progress.WriteLine($"leakmon: starting Azurite on 127.0.0.1 ports {blob}/{queue}/{table} " +
            (location is null ? "(in memory)" : $"(data in {location})"));
        var process = Start(bin, args, root, WatchdogEnvironment());
        var azurite = new Azurite(process, blob, queue, table);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!(LoopbackPorts.IsListening(blob) && LoopbackPorts.IsListening(queue) && LoopbackPorts.IsListening(table)))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Azurite exited with code {process.ExitCode} before listening: {await process.StandardError.ReadToEndAsync(ct).ConfigureAwait(false)}");
            }
            if (DateTime.UtcNow > deadline)
            {
                await azurite.DisposeAsync().ConfigureAwait(false);
                throw new TimeoutException("Azurite did not listen within 90 seconds.");
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        return azurite;
    }

    /// <summary>Stops Azurite as Ctrl-C would (SIGINT), so it saves its data; kills it if it does not exit in 15 s.</summary>
    public async Task StopGracefullyAsync()
    {
        if (process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        process.Dispose();
    }

    /// <summary>
    /// Loaded into Azurite's node process: when the process that started it is gone (killed with SIGKILL, which no
    /// handler sees), Azurite stops as Ctrl-C would stop it — saving its data and freeing its ports — instead of
    /// lingering as an orphan that holds 10000-10002.
    /// </summary>
    private const string Watchdog = """
        // leakmon: stop Azurite when the process that started it is gone.
        const parent = Number(process.env.LEAKMON_PARENT_PID || 0);
        if (parent > 0) {
          const timer = setInterval(() => {
            try { process.kill(parent, 0); } catch { clearInterval(timer); process.kill(process.pid, 'SIGINT'); }
          }, 1000);
          timer.unref();
        }
        """;

    private static Dictionary<string, string> WatchdogEnvironment()
    {
        var script = Path.Combine(Path.GetTempPath(), $"leakmon-azurite-watchdog-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Watchdog)))[..12]}.js");
        if (!File.Exists(script))
        {
            var temporary = script + "." + Environment.ProcessId;
            File.WriteAllText(temporary, Watchdog);
            File.Move(temporary, script, overwrite: true);
        }
        var options = Environment.GetEnvironmentVariable("NODE_OPTIONS");
        return new()
        {
            ["LEAKMON_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NODE_OPTIONS"] = $"{options} --require \"{script}\"".Trim(),
        };
    }

    private static Process Start(string file, IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}");
        // Drain stdout so a chatty child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task RunToEndAsync(string file, string[] args, string workingDirectory, CancellationToken ct)
    {
        using var process = Start(file, args, workingDirectory);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
    }

    private static string? FindPackageRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var package = Path.Combine(dir.FullName, "package.json");
                if (File.Exists(package) && File.ReadAllText(package).Contains("\"azurite\"", StringComparison.Ordinal))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
