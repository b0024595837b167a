using System.Globalization;
using System.Reflection;
using LeakMonitor.Core;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.Infra.Tests;

/// <summary>
/// The settings the code reads, derived from the code itself: every public options class in LeakMonitor.Core (one
/// with <c>public const string Section</c>) contributes <c>Section__Property</c> for each public settable property.
/// Adding an option property therefore adds an expected setting, and the drift tests fail until it is deployed.
/// </summary>
internal static class CodeSettings
{
    /// <summary>Identity-based AzureWebJobsStorage, the form the Azure deployment must use (no key anywhere).</summary>
    public static readonly string[] IdentityBasedStorage =
    [
        $"{StorageAccount.ConnectionName}__queueServiceUri",
        $"{StorageAccount.ConnectionName}__tableServiceUri",
        $"{StorageAccount.ConnectionName}__blobServiceUri",
        $"{StorageAccount.ConnectionName}__credential",
        $"{StorageAccount.ConnectionName}__clientId",
    ];

    /// <summary>Options that hold secrets: in Azure they must be Key Vault references.</summary>
    public static readonly string[] Secrets =
        ["Fingerprints__Salt", "Fingerprints__Pepper", "Webhooks__SigningKey", "Api__BootstrapKey"];

    public static IReadOnlyList<Type> OptionsClasses { get; } = typeof(QueueOptions).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && SectionOf(t) is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary><c>Section__Property</c> → the property's default, formatted as configuration binding reads it.</summary>
    public static IReadOnlyDictionary<string, string> OptionDefaults { get; } = OptionsClasses
        .SelectMany(type =>
        {
            var instance = Activator.CreateInstance(type)!;
            return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true })
                .Select(p => KeyValuePair.Create($"{SectionOf(type)}__{p.Name}", Format(p.GetValue(instance))));
        })
        .ToDictionary(StringComparer.Ordinal);

    private static string? SectionOf(Type type)
        => type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
           && field.FieldType == typeof(string)
            ? (string?)field.GetRawConstantValue()
            : null;

    private static string Format(object? value) => value switch
    {
        null => "",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
