using System.Diagnostics;
using System.Net;
using LeakMonitor.IntegrationTests.Infrastructure;
using LeakMonitor.LocalHost;

namespace LeakMonitor.IntegrationTests;

/// <summary>`leakmon serve` as a user runs it: a real process that starts Azurite, serves the API and stops on Ctrl-C.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_starts_azurite_answers_the_api_and_stops_everything_on_ctrl_c()
    {
        if (Azurite.IsListeningOnDefaultPorts())
        {
            // Someone's Azurite already owns 10000-10002; serve would (correctly) reuse it, which is not what we test.
            return;
        }
        await using var serve = await UserServe.StartAsync();
        Assert.True(Azurite.IsListeningOnDefaultPorts());
        Assert.True(Directory.Exists(Path.Combine(serve.WorkDir.FullName, ".leakmon", "azurite")));

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.Port}/api/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("fingerprints")).StatusCode);
        client.DefaultRequestHeaders.Add("X-Api-Key", LocalHostDefaults.DevelopmentApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("fingerprints")).StatusCode);

        // Ctrl-C: SIGINT, a clean exit code, and Azurite gone with it.
        using (var interrupt = Process.Start("kill", ["-INT", serve.Process.Id.ToString()]))
        {
            await interrupt.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await serve.Process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, serve.Process.ExitCode);
        Assert.Contains(serve.Output, l => l.Contains("stopping Azurite", StringComparison.Ordinal));
        await Eventually.UntilAsync(() => !Azurite.IsListeningOnDefaultPorts(), TimeSpan.FromSeconds(10), "Azurite to stop");
    }

    [Fact]
    public async Task Serve_killed_with_sigkill_leaves_no_azurite_behind()
    {
        if (Azurite.IsListeningOnDefaultPorts())
        {
            return; // someone else's Azurite: serve would reuse it
        }
        await using var serve = await UserServe.StartAsync();
        Assert.True(Azurite.IsListeningOnDefaultPorts(), string.Join("\n", serve.Output));

        serve.Process.Kill(entireProcessTree: false); // SIGKILL to serve alone: no handler of ours runs

        await serve.Process.WaitForExitAsync();
        await Eventually.UntilAsync(() => !Azurite.IsListeningOnDefaultPorts(), TimeSpan.FromSeconds(30),
            "the orphaned Azurite to notice and stop");
    }

    /// <summary>
    /// <c>leakmon serve</c> as a person starts it: in an empty folder, no storage or key settings, so it starts its
    /// own Azurite on the default ports. Started when it says it serves; killed (with its children) and its folder
    /// removed on dispose.
    /// </summary>
    private sealed class UserServe : IAsyncDisposable
    {
        private UserServe(Process process, DirectoryInfo workDir, int port)
        {
            Process = process;
            WorkDir = workDir;
            Port = port;
        }

        public Process Process { get; }
        public DirectoryInfo WorkDir { get; }
        public int Port { get; }
        public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

        public static async Task<UserServe> StartAsync()
        {
            var workDir = Directory.CreateTempSubdirectory("leakmon-serve-");
            var port = LoopbackPorts.Free();
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { BuildOutput.Leakmon, "serve", "--urls", $"http://127.0.0.1:{port}" })
            {
                info.ArgumentList.Add(arg);
            }
            info.Environment.Remove("AzureWebJobsStorage");
            info.Environment.Remove("Api__BootstrapKey");
            var serve = new UserServe(Process.Start(info)!, workDir, port);
            serve.Process.OutputDataReceived += (_, e) => { if (e.Data is not null) { serve.Output.Enqueue(e.Data); } };
            serve.Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { serve.Output.Enqueue(e.Data); } };
            serve.Process.BeginOutputReadLine();
            serve.Process.BeginErrorReadLine();
            try
            {
                await Eventually.UntilAsync(() => serve.Output.Any(l => l.Contains("leakmon: serving", StringComparison.Ordinal))
                    || serve.Process.HasExited, TimeSpan.FromSeconds(120), "leakmon serve to start");
                Assert.False(serve.Process.HasExited, string.Join("\n", serve.Output));
            }
            catch
            {
                await serve.DisposeAsync();
                throw;
            }
            return serve;
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
            Process.Dispose();
            WorkDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Help_describes_every_command()
    {
        foreach (var (args, expected) in new (string[], string[])[]
        {
            ([ "--help" ], [ "fingerprint", "scan", "serve", "poison" ]),
            ([ "fingerprint", "--help" ], [ "--salt", "stdin" ]),
            ([ "scan", "--help" ], [ "--registry", "--salt", "Exit code" ]),
            ([ "serve", "--help" ], [ "--urls", "Azurite", "Ctrl-C" ]),
            ([ "poison", "list", "--help" ], [ "--queue", "--json" ]),
            ([ "poison", "replay", "--help" ], [ "--queue", "--id", "--all" ]),
        })
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            info.ArgumentList.Add(BuildOutput.Leakmon);
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }
            using var process = Process.Start(info)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            foreach (var word in expected)
            {
                Assert.Contains(word, text, StringComparison.Ordinal);
            }
        }
    }

}
