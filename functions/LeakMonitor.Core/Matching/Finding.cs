namespace LeakMonitor.Core.Matching;

/// <summary>
/// A registered secret found in content: where (1-based line, 0-based byte offset of the match in the input)
/// and through which decoders. It never carries the matched text.
/// </summary>
public sealed record Finding(FingerprintRef Fingerprint, long Line, long Offset, string DecoderChain);
