using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using LeakMonitor.Core;
using LeakMonitor.Core.Storage;
using LeakMonitor.LocalHost;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// <c>leakmon serve</c> as a real child process, configured through environment variables with a test host's settings
/// (see <see cref="TestHost.DefaultSettings"/>), so a test can kill it (SIGKILL) where it likes and start another on the same
/// storage. Every line it writes is kept, to search for planted secrets.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServeProcess(Process process, Uri apiBase, string apiKey, ConcurrentQueue<string> lines)
    {
        this.process = process;
        Lines = lines;
        Api = new HttpClient { BaseAddress = apiBase };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>stdout and stderr, line by line (the host's console log).</summary>
    public ConcurrentQueue<string> Lines { get; }

    /// <summary>An API client carrying the bootstrap key.</summary>
    public HttpClient Api { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Starts <c>leakmon serve</c> with <paramref name="settings"/> and waits until it serves.</summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var port = LoopbackPorts.Free();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(), // no local.settings.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { BuildOutput.Leakmon, "serve", "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var lines = new ConcurrentQueue<string>();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var serve = new ServeProcess(process, new Uri($"http://127.0.0.1:{port}/api/"), settings["Api:BootstrapKey"]!, lines);
        await Eventually.UntilAsync(() => lines.Any(l => l.Contains("leakmon: serving", StringComparison.Ordinal)) || process.HasExited,
            TimeSpan.FromSeconds(120), "leakmon serve to start");
        Assert.False(process.HasExited, "leakmon serve exited:\n" + string.Join("\n", lines));
        return serve;
    }

    /// <summary>SIGKILL: no shutdown, no finally blocks, no message completed or abandoned.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }
        await process.WaitForExitAsync();
    }

    /// <summary>The same composition root the host uses, for the test's own reads and writes to its storage.</summary>
    public static ServiceProvider StorageServices(IReadOnlyDictionary<string, string?> settings)
        => new ServiceCollection().AddLogging()
            .AddLeakMonitor(LocalHostBuilder.BuildConfiguration(localSettingsFile: null, settings, includeEnvironment: false))
            .BuildServiceProvider();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await KillAsync();
        process.Dispose();
    }
}
