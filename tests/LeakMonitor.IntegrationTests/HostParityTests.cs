using System.Reflection;
using System.Text.Json;
using LeakMonitor.Core.Api;
using LeakMonitor.IntegrationTests.Infrastructure;
using LeakMonitor.LocalHost;
using Microsoft.Azure.WebJobs;

namespace LeakMonitor.IntegrationTests;

/// <summary>
/// The Functions app and the local host declare the same triggers: names, queues, schedules and HTTP routes. The
/// Functions side is read from the functions.metadata its SDK generates at build.
/// </summary>
public sealed class HostParityTests
{
    [Fact]
    public void Functions_app_and_local_host_declare_the_same_triggers()
    {
        var functions = ReadFunctionsMetadata()
            .Where(f => f.Trigger.Type != "httpTrigger")
            .Select(f => $"{f.Name} {f.Trigger.Type} {f.Trigger.Source}")
            .Order();
        var local = typeof(LocalJobs).GetMethods()
            .Select(m => (Name: m.GetCustomAttribute<FunctionNameAttribute>()?.Name, Method: m))
            .Where(m => m.Name is not null)
            .Select(m => $"{m.Name} {LocalTrigger(m.Method)}")
            .Order();
        Assert.Equal(functions, local);
        Assert.Equal(4, local.Count());
    }

    [Fact]
    public void Functions_app_and_local_host_serve_the_same_api_routes()
    {
        var functions = ReadFunctionsMetadata()
            .Where(f => f.Trigger.Type == "httpTrigger")
            .Select(f => $"{f.Name} {f.Trigger.Source}")
            .Order();
        var local = ApiRoutes.All.Select(r => $"{r.Name} {r.Method.ToLowerInvariant()} {r.Template}").Order();
        Assert.Equal(functions, local);
    }

    private static string LocalTrigger(MethodInfo method)
    {
        foreach (var p in method.GetParameters())
        {
            if (p.GetCustomAttribute<QueueTriggerAttribute>() is { } q)
            {
                return $"queueTrigger {q.QueueName}";
            }
            if (p.GetCustomAttribute<TimerTriggerAttribute>() is { } t)
            {
                return $"timerTrigger {t.ScheduleExpression}";
            }
        }
        throw new InvalidOperationException($"{method.Name} has no trigger");
    }

    private sealed record Trigger(string Type, string Source);

    private sealed record FunctionEntry(string Name, Trigger Trigger);

    private static List<FunctionEntry> ReadFunctionsMetadata()
    {
        var path = BuildOutput.Of("LeakMonitor.Functions", "functions.metadata");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var entries = new List<FunctionEntry>();
        foreach (var function in json.RootElement.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString()!;
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            var type = trigger.GetProperty("type").GetString()!;
            var source = type switch
            {
                "queueTrigger" => trigger.GetProperty("queueName").GetString()!,
                "timerTrigger" => trigger.GetProperty("schedule").GetString()!,
                "httpTrigger" => $"{string.Join(",", trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))} {trigger.GetProperty("route").GetString()}",
                _ => throw new InvalidOperationException($"unexpected trigger {type}"),
            };
            entries.Add(new FunctionEntry(name, new Trigger(type, source)));
        }
        return entries;
    }
}
