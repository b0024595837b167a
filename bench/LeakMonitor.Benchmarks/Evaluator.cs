using System.Text.Json;

namespace LeakMonitor.Benchmarks;

/// <summary>
/// <c>--evaluate DIR FINDINGS...</c>: recall per context and false positives, from <c>leakmon scan</c> output and the
/// generator's answer key. A plant counts as found when a finding carries its label within 2 lines of where it was
/// planted (decoded runs are reported where they start); any other finding is a false positive.
/// </summary>
internal static class Evaluator
{
    public static int Run(string[] args)
    {
        var dir = args[1];
        var plants = new List<(string Label, string Context, string Where, string Kind)>();
        foreach (var file in new[] { "planted.tsv", "planted-containers.tsv" })
        {
            var path = Path.Combine(dir, file);
            if (File.Exists(path))
            {
                foreach (var l in File.ReadLines(path))
                {
                    var p = l.Split('\t');
                    plants.Add((p[0], p[1], p[2], p[3]));
                }
            }
        }
        var findings = new List<(string Label, string Path, long Line, string Decoders)>();
        foreach (var file in args.Skip(2))
        {
            foreach (var l in File.ReadLines(file))
            {
                using var json = JsonDocument.Parse(l);
                var r = json.RootElement;
                findings.Add((r.GetProperty("label").GetString()!, r.GetProperty("path").GetString()!,
                    r.GetProperty("line").GetInt64(), r.GetProperty("decoders").GetString()!));
            }
        }
        var byLabel = findings.ToLookup(f => f.Label);
        bool Hit((string Label, string Context, string Where, string Kind) p, (string Label, string Path, long Line, string Decoders) f)
            => long.TryParse(p.Where, out var line)
                ? f.Path.EndsWith("corpus.txt", StringComparison.Ordinal) && Math.Abs(f.Line - line) <= 2
                : f.Path.Contains("/containers/" + p.Where, StringComparison.Ordinal);

        Console.WriteLine($"{"context",-22} {"planted",8} {"found",6} {"recall",8}");
        var totalPlanted = 0;
        var totalFound = 0;
        foreach (var group in plants.Where(p => p.Kind == "plant").GroupBy(p => p.Context))
        {
            var found = group.Count(p => byLabel[p.Label].Any(f => Hit(p, f)));
            totalPlanted += group.Count();
            totalFound += found;
            Console.WriteLine($"{group.Key,-22} {group.Count(),8} {found,6} {100.0 * found / group.Count(),7:F1}%");
        }
        Console.WriteLine($"{"ALL",-22} {totalPlanted,8} {totalFound,6} {100.0 * totalFound / Math.Max(1, totalPlanted),7:F1}%");
        var plantLookup = plants.Where(p => p.Kind == "plant").ToLookup(p => p.Label);
        var falsePositives = findings.Count(f => !plantLookup[f.Label].Any(p => Hit(p, f)));
        var nearMissHits = findings.Count(f => plants.Any(p => p.Kind == "near-miss" && p.Label == f.Label));
        Console.WriteLine($"findings: {findings.Count}, false positives: {falsePositives} " +
            $"(of which on near-miss plants: {nearMissHits}, near-miss plants: {plants.Count(p => p.Kind == "near-miss")})");
        return 0;
    }
}
