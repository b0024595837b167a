using System.Collections.Concurrent;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Timers;

namespace LeakMonitor.LocalHost;

/// <summary>
/// Timer status in memory. The Timer extension's storage-backed monitor throws TypeLoadException against
/// Host.Storage 5.x, and one local host needs no shared schedule state.
/// </summary>
internal sealed class InMemoryScheduleMonitor : ScheduleMonitor
{
    private readonly ConcurrentDictionary<string, ScheduleStatus> statuses = new();

    public override Task<ScheduleStatus> GetStatusAsync(string timerName)
        => Task.FromResult(statuses.TryGetValue(timerName, out var status) ? status : null!);

    public override Task UpdateStatusAsync(string timerName, ScheduleStatus status)
    {
        statuses[timerName] = status;
        return Task.CompletedTask;
    }
}

/// <summary>Indexes only the job classes we name, not every type in every loaded assembly.</summary>
internal sealed class JobTypeLocator(params Type[] types) : ITypeLocator
{
    public IReadOnlyList<Type> GetTypes() => types;
}
