using System.Security.Cryptography;
using System.Text;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Matching;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

public class FingerprintIndexTests
{
    [Fact]
    public void Registrations_without_prefilter_still_match_through_the_hmac_path()
    {
        var index = BuildIndex(withPrefilter: false);
        Assert.Equal(["github", "password"], Scan("t " + GitHubToken + "\np=" + Password, index).Labels());
    }

    [Fact]
    public void Unpeppered_index_matches_fingerprints_from_the_cli()
    {
        var normalized = FingerprintScheme.Normalize(GitHubToken);
        var entry = new IndexEntry(FingerprintScheme.Hash(Salt, normalized), normalized.Length,
            new FingerprintRef("gh", "gh"), new Prefilter(Salt).Compute(normalized));
        var index = new FingerprintIndex(Salt, null, [entry]);
        Assert.True(index.TryMatch(Encoding.UTF8.GetBytes(GitHubToken), out var refs));
        Assert.Equal("gh", Assert.Single(refs).Label);
    }

    [Fact]
    public void Same_secret_registered_by_two_teams_is_reported_to_both()
    {
        var a = Entry("team-a-token", GitHubToken);
        var b = a with { Ref = new FingerprintRef("team-b-token", "team-b-token", "team-b") };
        var index = new FingerprintIndex(Salt, Pepper, [a, b]);
        Assert.Equal(["team-a-token", "team-b-token"], Scan("x " + GitHubToken, index).Labels().Order());
    }

    [Fact]
    public void Index_with_a_resolver_asks_only_for_the_registrations_it_found_and_once_each()
    {
        var asked = new List<int>();
        var entries = All.Select(s => Entry(s.Label, s.Secret) with { Ref = null }).ToList();
        var index = new FingerprintIndex(Salt, Pepper, entries, position =>
        {
            asked.Add(position);
            return new FingerprintRef($"entry-{position}", $"entry-{position}");
        });
        var github = All.Select(s => s.Label).ToList().IndexOf("github");

        var findings = Scan($"a {GitHubToken}\nb {GitHubToken}\n", index);

        Assert.Equal([$"entry-{github}"], findings.Labels());
        Assert.Equal(2, findings.Count);
        Assert.Equal([github], asked);
    }

    [Fact]
    public void A_different_salt_finds_nothing()
    {
        var otherSalt = SHA256.HashData("another deployment"u8);
        var index = new FingerprintIndex(otherSalt, Pepper, [Entry("github", GitHubToken)]);
        Assert.Empty(Scan("x " + GitHubToken, index));
    }

    [Fact]
    public void Index_reports_count_and_distinct_lengths()
    {
        Assert.Equal(All.Count(), TestIndex.Count);
        Assert.Equal(TestIndex.Lengths.Order(), TestIndex.Lengths);
        Assert.Contains(GitHubToken.Length, TestIndex.Lengths);
        Assert.Equal(0, FingerprintIndex.Empty.Count);
    }

    [Fact]
    public void Prefilter_tag_of_a_window_equals_the_tag_of_the_secret()
    {
        // The scanner derives window hashes from prefix hashes; they must agree with what 'leakmon fingerprint' wrote.
        var prefilter = new Prefilter(Salt);
        var text = Encoding.UTF8.GetBytes("abc " + GitHubToken + " xyz");
        var h = new ulong[text.Length + 1];
        for (var i = 0; i < text.Length; i++)
        {
            h[i + 1] = Prefilter.AddByte(Prefilter.MulMod(h[i], prefilter.Base), text[i]);
        }
        var power = 1UL;
        for (var i = 0; i < GitHubToken.Length; i++)
        {
            power = Prefilter.MulMod(power, prefilter.Base);
        }
        var window = Prefilter.SubMod(h[4 + GitHubToken.Length], Prefilter.MulMod(h[4], power));
        Assert.Equal(prefilter.Compute(Encoding.UTF8.GetBytes(GitHubToken)), prefilter.Tag(window, GitHubToken.Length));
        Assert.NotEqual(prefilter.Compute(Encoding.UTF8.GetBytes(GitHubToken)),
            new Prefilter(SHA256.HashData("x"u8)).Compute(Encoding.UTF8.GetBytes(GitHubToken)));
    }
}
