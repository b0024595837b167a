using System.Text;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Tests.Matching;

namespace LeakMonitor.Core.Tests.Fingerprints;

public class FingerprintSchemeTests
{
    [Fact]
    public void Pem_secret_is_normalised_to_its_base64_body_whatever_the_wrapping()
    {
        var expected = Encoding.ASCII.GetBytes(Secrets.PemBody);
        Assert.Equal(expected, FingerprintScheme.Normalize(Secrets.PrivateKeyPem));
        Assert.Equal(expected, FingerprintScheme.Normalize(Secrets.Rewrapped(76, "\r\n")));
        Assert.Equal(expected, FingerprintScheme.Normalize("  " + Secrets.Rewrapped(64, "\n").Replace("\n", "\n  ")));
    }

    [Fact]
    public void Encrypted_pem_headers_are_not_part_of_the_body()
    {
        var pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nQUJD\nREVG\n"
            + "-----END RSA PRIVATE KEY-----";
        Assert.Equal("QUJDREVG"u8.ToArray(), FingerprintScheme.Normalize(pem));
    }

    [Fact]
    public void Ordinary_secret_is_trimmed_utf8()
    {
        Assert.Equal("pässwörd"u8.ToArray(), FingerprintScheme.Normalize("  pässwörd\n"));
    }

    [Fact]
    public void Fingerprint_and_prefilter_round_trip_through_their_text_form()
    {
        var hash = FingerprintScheme.Hash(Secrets.Salt, "secret-value"u8);
        Assert.True(FingerprintScheme.TryParse(FingerprintScheme.Format(hash), out var parsed, out _));
        Assert.Equal(hash, parsed);
        Assert.True(Prefilter.TryParse(Prefilter.Format(0xDEADBEEF), out var tag, out _));
        Assert.Equal(0xDEADBEEF, tag);
        Assert.False(Prefilter.TryParse("pfv2:AAAAAA", out _, out var error));
        Assert.Contains("pfv1", error, StringComparison.Ordinal);
    }
}
