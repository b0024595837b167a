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
        var workDir = Directory.CreateTempSubdirectory("leakmon-serve-");
        var port = LoopbackPorts.Free();
        var cli = BuildOutput.Leakmon;
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { cli, "serve", "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Remove("AzureWebJobsStorage");
        info.Environment.Remove("Api__BootstrapKey");
        using var process = Process.Start(info)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.UntilAsync(() => output.Any(l => l.Contains("leakmon: serving", StringComparison.Ordinal)) || process.HasExited,
                TimeSpan.FromSeconds(120), "leakmon serve to start");
            Assert.False(process.HasExited, string.Join("\n", output));
            Assert.True(Azurite.IsListeningOnDefaultPorts());
            Assert.True(Directory.Exists(Path.Combine(workDir.FullName, ".leakmon", "azurite")));

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/") };
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("fingerprints")).StatusCode);
            client.DefaultRequestHeaders.Add("X-Api-Key", LocalHostDefaults.DevelopmentApiKey);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("fingerprints")).StatusCode);

            // Ctrl-C: SIGINT, a clean exit code, and Azurite gone with it.
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString()]))
            {
                await interrupt.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains(output, l => l.Contains("stopping Azurite", StringComparison.Ordinal));
            await Eventually.UntilAsync(() => !Azurite.IsListeningOnDefaultPorts(), TimeSpan.FromSeconds(10), "Azurite to stop");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            workDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Serve_killed_with_sigkill_leaves_no_azurite_behind()
    {
        if (Azurite.IsListeningOnDefaultPorts())
        {
            return; // someone else's Azurite: serve would reuse it
        }
        var workDir = Directory.CreateTempSubdirectory("leakmon-serve-");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { BuildOutput.Leakmon, "serve", "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Remove("AzureWebJobsStorage");
        using var process = Process.Start(info)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.UntilAsync(() => output.Any(l => l.Contains("leakmon: serving", StringComparison.Ordinal)) || process.HasExited,
                TimeSpan.FromSeconds(120), "leakmon serve to start");
            Assert.True(Azurite.IsListeningOnDefaultPorts(), string.Join("\n", output));

            process.Kill(entireProcessTree: false); // SIGKILL to serve alone: no handler of ours runs

            await process.WaitForExitAsync();
            await Eventually.UntilAsync(() => !Azurite.IsListeningOnDefaultPorts(), TimeSpan.FromSeconds(30),
                "the orphaned Azurite to notice and stop");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            workDir.Delete(recursive: true);
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
