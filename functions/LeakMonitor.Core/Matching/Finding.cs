namespace LeakMonitor.Core.Matching;

/// <summary>
/// A registered secret found in content: where (1-based line, 0-based byte offset in the input) and through which
/// decoders (<c>plain</c>, <c>base64&gt;gzip</c>, …). Inside archives, <paramref name="Path"/> is the member path
/// (<c>inner.zip!dir/file.txt</c> when nested) and line/offset count within that member. When the secret was inside an
/// encoded run (base64, an escaped line, a PEM block), line and offset point at where that run starts. It never
/// carries the matched text.
/// </summary>
public sealed record Finding(FingerprintRef Fingerprint, long Line, long Offset, string DecoderChain, string Path = "");
