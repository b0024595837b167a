using System.Text.RegularExpressions;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>Team ids are table partition keys and appear in URLs: lowercase letters, digits and dashes.</summary>
public static partial class TeamNames
{
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,62}$";

    public static bool IsValid(string? team) => team is not null && Valid().IsMatch(team);

    [GeneratedRegex(Pattern)]
    private static partial Regex Valid();
}
