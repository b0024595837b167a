using System.Globalization;
using System.Reflection;

namespace LeakMonitor.Core;

/// <summary>
/// Every setting LeakMonitor reads, by name, with its default. Trigger attributes resolve <c>%Queues:Documents%</c>
/// and <c>%Crawl:Schedule%</c> from configuration, so hosts seed these defaults below their own settings.
/// </summary>
public static class LeakMonitorSettings
{
    public static readonly Type[] OptionTypes =
    [
        typeof(QueueOptions), typeof(StorageOptions), typeof(CrawlOptions), typeof(FingerprintOptions),
        typeof(WebhookOptions), typeof(AlertOptions), typeof(GitHubOptions), typeof(OutboundOptions), typeof(ApiOptions), typeof(EntraOptions),
    ];

    /// <summary><c>Section:Property</c> → default value, for every option.</summary>
    public static Dictionary<string, string?> Defaults()
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in OptionTypes)
        {
            var section = (string)type.GetField("Section", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            var instance = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                defaults[$"{section}:{property.Name}"] = Convert.ToString(property.GetValue(instance), CultureInfo.InvariantCulture);
            }
        }
        return defaults;
    }
}
