using System.Text;

namespace LeakMonitor.Core.Crawling;

/// <summary>
/// robots.txt rules for one user agent (RFC 9309): the group naming our product token, else <c>*</c>; the longest
/// matching Allow/Disallow wins (Allow on a tie); <c>*</c> and a trailing <c>$</c> in paths; Crawl-delay kept.
/// </summary>
public sealed class RobotsRules
{
    public static readonly RobotsRules AllowAll = new([], null);
    public static readonly RobotsRules DisallowAll = new([new Rule("/", Allow: false)], null);

    private readonly List<Rule> rules;

    private RobotsRules(List<Rule> rules, TimeSpan? crawlDelay)
    {
        this.rules = rules;
        CrawlDelay = crawlDelay;
    }

    public TimeSpan? CrawlDelay { get; }

    private sealed record Rule(string Pattern, bool Allow);

    private sealed class Group
    {
        public List<string> Agents { get; } = [];
        public List<Rule> Rules { get; } = [];
        public TimeSpan? Delay { get; set; }
    }

    public static RobotsRules Parse(string text, string productToken)
    {
        var groups = new List<Group>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', 2)[0].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (key == "user-agent")
            {
                if (current is null || !lastWasAgent)
                {
                    current = new Group();
                    groups.Add(current);
                }
                current.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }
            lastWasAgent = false;
            switch (key)
            {
                case "allow" when current is not null && value.Length > 0:
                    current.Rules.Add(new Rule(value, Allow: true));
                    break;
                case "disallow" when current is not null && value.Length > 0:
                    current.Rules.Add(new Rule(value, Allow: false));
                    break;
                case "crawl-delay" when current is not null && double.TryParse(value, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 600:
                    current.Delay = TimeSpan.FromSeconds(seconds);
                    break;
            }
        }
        var token = productToken.ToLowerInvariant();
        var mine = groups.Where(g => g.Agents.Any(a => a != "*" && token.Contains(a, StringComparison.Ordinal))).ToList();
        if (mine.Count == 0)
        {
            mine = groups.Where(g => g.Agents.Contains("*")).ToList();
        }
        return mine.Count == 0 ? AllowAll
            : new RobotsRules([.. mine.SelectMany(g => g.Rules)], mine.Select(g => g.Delay).FirstOrDefault(d => d is not null));
    }

    /// <summary>Whether a path (with its query) may be fetched.</summary>
    public bool IsAllowed(string pathAndQuery)
    {
        Rule? best = null;
        foreach (var rule in rules)
        {
            if (Matches(rule.Pattern, pathAndQuery)
                && (best is null || rule.Pattern.Length > best.Pattern.Length
                    || (rule.Pattern.Length == best.Pattern.Length && rule.Allow)))
            {
                best = rule;
            }
        }
        return best?.Allow ?? true;
    }

    private static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var body = anchored ? pattern[..^1] : pattern;
        if (!body.Contains('*', StringComparison.Ordinal))
        {
            return anchored ? path == body : path.StartsWith(body, StringComparison.Ordinal);
        }
        // Wildcards: match the pieces in order, the first at the start.
        var pieces = body.Split('*');
        var at = 0;
        for (var i = 0; i < pieces.Length; i++)
        {
            var piece = pieces[i];
            var found = i == 0 ? (path.StartsWith(piece, StringComparison.Ordinal) ? 0 : -1)
                : path.IndexOf(piece, at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }
            at = found + piece.Length;
        }
        return !anchored || pieces[^1].Length == 0 || path.EndsWith(pieces[^1], StringComparison.Ordinal);
    }

    internal static string Decode(byte[] body) => Encoding.UTF8.GetString(body);
}
