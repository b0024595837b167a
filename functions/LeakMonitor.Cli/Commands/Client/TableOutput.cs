using System.Globalization;
using System.Text.Json;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>Answers as an aligned table for people, or the API's JSON (one document) with <c>--json</c> for scripts.</summary>
internal static class TableOutput
{
    public static void Write(TextWriter output, JsonElement value, bool json, params (string Header, string Property)[] columns)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(value));
            return;
        }
        var rows = (value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value])
            .Select(item => columns.Select(c => Cell(item, c.Property)).ToArray())
            .ToList();
        if (rows.Count == 0)
        {
            output.WriteLine("(none)");
            return;
        }
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", columns.Select((c, i) => c.Header.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Cell(JsonElement item, string path)
    {
        var current = item;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return "";
            }
        }
        return current.ValueKind switch
        {
            JsonValueKind.String when current.TryGetDateTimeOffset(out var at) && current.GetString()!.Contains('T', StringComparison.Ordinal)
                => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture),
            JsonValueKind.String => current.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            _ => current.GetRawText(),
        };
    }
}
