using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Api.Auth;

/// <summary>Access log messages: key ids and reasons, never a key, a token or a secret.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 6001, EventName = "ApiKeyRefused", Level = LogLevel.Information,
        Message = "API key {KeyId} refused: {Reason}")]
    public static partial void KeyRefused(ILogger logger, string keyId, string reason);

    [LoggerMessage(EventId = 6002, EventName = "BearerTokenRefused", Level = LogLevel.Information,
        Message = "Entra bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 6003, EventName = "ApiKeyCreated", Level = LogLevel.Information,
        Message = "API key {KeyId} created for team {Team} as {Role} by {Actor}, expires {ExpiresAt:o}")]
    public static partial void KeyCreated(ILogger logger, string keyId, string team, string role, string actor,
        DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 6004, EventName = "ApiKeyRevoked", Level = LogLevel.Information,
        Message = "API key {KeyId} of team {Team} revoked by {Actor}")]
    public static partial void KeyRevoked(ILogger logger, string keyId, string team, string actor);

    [LoggerMessage(EventId = 6005, EventName = "AuditWriteFailed", Level = LogLevel.Error,
        Message = "Could not append to the audit trail ({Action} by {Actor}): {Reason}")]
    public static partial void AuditWriteFailed(ILogger logger, string action, string actor, string reason);

    [LoggerMessage(EventId = 6006, EventName = "ApiRequestDenied", Level = LogLevel.Information,
        Message = "{Action} by {Actor} denied with {Status}")]
    public static partial void Denied(ILogger logger, string action, string actor, int status);
}
