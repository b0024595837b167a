namespace LeakMonitor.Core.Api;

/// <summary>
/// What a caller may do, least first. Each role includes the ones below it, within the caller's own team only:
/// a platform admin manages teams and reads the audit trail, but never sees another team's fingerprints.
/// </summary>
public enum Role
{
    /// <summary>The team's fingerprints, sources and incidents.</summary>
    Member = 1,
    /// <summary>Member, plus the team's API keys, responders and webhook verification key.</summary>
    TeamAdmin = 2,
    /// <summary>Team admin, plus teams, keys of any team and the audit trail.</summary>
    PlatformAdmin = 3,
}

public static class Roles
{
    public const string Member = "member";
    public const string TeamAdmin = "team-admin";
    public const string PlatformAdmin = "platform-admin";

    public static readonly string[] All = [Member, TeamAdmin, PlatformAdmin];

    public static string Name(this Role role) => role switch
    {
        Role.Member => Member,
        Role.TeamAdmin => TeamAdmin,
        Role.PlatformAdmin => PlatformAdmin,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParse(string? name, out Role role)
    {
        role = name?.Trim().ToLowerInvariant() switch
        {
            Member => Role.Member,
            TeamAdmin => Role.TeamAdmin,
            PlatformAdmin => Role.PlatformAdmin,
            _ => 0,
        };
        return role != 0;
    }

    /// <summary>True when a caller with <paramref name="role"/> may use a route that requires <paramref name="required"/>.</summary>
    public static bool Includes(this Role role, Role required) => role >= required;
}
