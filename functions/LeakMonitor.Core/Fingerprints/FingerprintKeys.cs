using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Fingerprints;

/// <summary>The deployment salt (shared with teams) and the service-only pepper, decoded once at start.</summary>
public sealed class FingerprintKeys
{
    public FingerprintKeys(byte[] salt, byte[] pepper, bool isDevelopment)
    {
        Salt = salt;
        Pepper = pepper;
        IsDevelopment = isDevelopment;
    }

    public byte[] Salt { get; }
    public byte[] Pepper { get; }
    public bool IsDevelopment { get; }

    public static FingerprintKeys From(IOptions<FingerprintOptions> options)
    {
        var o = options.Value;
        var salt = DecodeKey(o.Salt, "Fingerprints:Salt") ?? FingerprintScheme.DevelopmentSalt;
        var pepper = DecodeKey(o.Pepper, "Fingerprints:Pepper") ?? FingerprintScheme.DevelopmentPepper;
        return new FingerprintKeys(salt, pepper, isDevelopment: o.Salt.Length == 0 || o.Pepper.Length == 0);
    }

    /// <summary>Decodes a base64 key of at least <paramref name="minBytes"/> bytes; null when unset. The setting name
    /// is in the error.</summary>
    public static byte[]? DecodeKey(string? base64, string settingName, int minBytes = 16, Type? optionsType = null)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new OptionsValidationException(settingName, optionsType ?? typeof(FingerprintOptions),
                [$"{settingName} is not valid base64."]);
        }
        if (key.Length < minBytes)
        {
            throw new OptionsValidationException(settingName, optionsType ?? typeof(FingerprintOptions),
                [$"{settingName} must hold at least {minBytes} bytes; it holds {key.Length}."]);
        }
        return key;
    }
}
