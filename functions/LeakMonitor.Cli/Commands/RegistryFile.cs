using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Matching;

namespace LeakMonitor.Cli.Commands;

/// <summary>
/// A registry file from <c>leakmon fingerprint</c> (JSON lines) as a scan index. It is read line by line with a
/// UTF-8 JSON reader, never whole; the index keeps only hashes, lengths and tags, and where each line starts, so a
/// label is read back from the file only when its secret is found (a million labels would otherwise be a million
/// strings to load and keep).
/// </summary>
internal sealed class RegistryFile
{
    private readonly FileInfo file;
    private readonly List<long> lineStarts = [];
    private readonly List<int> lineNumbers = [];

    private readonly bool keepLabels;

    private RegistryFile(FileInfo file, bool keepLabels)
    {
        this.file = file;
        this.keepLabels = keepLabels;
    }

    public static FingerprintIndex Load(FileInfo file, byte[] salt)
    {
        using var stream = Open(file);
        // A pipe (`--registry <(...)`) cannot be read twice: its labels are kept as it is read.
        var registry = new RegistryFile(file, keepLabels: !stream.CanSeek);
        return new FingerprintIndex(salt, pepper: null, registry.Read(stream),
            registry.keepLabels ? null : registry.RefAt);
    }

    private static FileStream Open(FileInfo file)
        => new(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    private IEnumerable<IndexEntry> Read(FileStream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long bufferOffset = 0; // file offset of buffer[0]
            var start = 0; // first unconsumed byte
            var filled = 0;
            var lineNumber = 0;
            var eof = false;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                if (newline < 0 && !eof)
                {
                    if (start == 0 && filled == buffer.Length)
                    {
                        throw new InvalidDataException($"{file.Name} line {lineNumber + 1}: line too long");
                    }
                    // Move the partial line to the front once per buffer, not once per line.
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    bufferOffset += start;
                    filled -= start;
                    start = 0;
                    var read = stream.Read(buffer, filled, buffer.Length - filled);
                    eof = read == 0;
                    filled += read;
                    continue;
                }
                var end = newline < 0 ? filled : newline;
                lineNumber++;
                var line = buffer.AsSpan(start, end - start);
                if (line.IndexOfAnyExcept(" \t\r"u8) >= 0)
                {
                    var entry = ParseLine(line, file.Name, lineNumber, out var label);
                    if (keepLabels)
                    {
                        label ??= $"line-{lineNumber}";
                        entry = entry with { Ref = new FingerprintRef(label, label) };
                    }
                    else
                    {
                        lineStarts.Add(bufferOffset + start);
                        lineNumbers.Add(lineNumber);
                    }
                    yield return entry;
                }
                if (newline < 0)
                {
                    yield break;
                }
                start = newline + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The registration of the entry at <paramref name="position"/>, its label read back from the file.</summary>
    private FingerprintRef RefAt(int position)
    {
        using var stream = Open(file);
        stream.Position = lineStarts[position];
        var line = new List<byte>(256);
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            line.Add((byte)b);
        }
        var lineNumber = lineNumbers[position];
        ParseLine(line.ToArray(), file.Name, lineNumber, out var label);
        label ??= $"line-{lineNumber}";
        return new FingerprintRef(label, label);
    }

    private static IndexEntry ParseLine(ReadOnlySpan<byte> line, string fileName, int lineNumber, out string? label)
    {
        label = null;
        byte[]? hash = null;
        uint? tag = null;
        var length = 0;
        var prefilterProblem = false;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw NotARegistryLine(fileName, lineNumber);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                var isString = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;
                if (name.SequenceEqual("label"u8) && reader.TokenType == JsonTokenType.String)
                {
                    label = reader.GetString();
                }
                else if (name.SequenceEqual("fingerprint"u8) && isString)
                {
                    hash = DecodeTagged(reader.ValueSpan, "fpv1:"u8, FingerprintScheme.HashBytes);
                }
                else if (name.SequenceEqual("prefilter"u8) && isString)
                {
                    var bytes = DecodeTagged(reader.ValueSpan, "pfv1:"u8, 4);
                    prefilterProblem = bytes is null;
                    tag = bytes is null ? null : BinaryPrimitives.ReadUInt32BigEndian(bytes);
                }
                else if (name.SequenceEqual("length"u8) && reader.TokenType == JsonTokenType.Number)
                {
                    length = reader.TryGetInt32(out var l) ? l : -1;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw NotARegistryLine(fileName, lineNumber);
        }
        if (hash is null)
        {
            throw NotARegistryLine(fileName, lineNumber);
        }
        if (length < 1)
        {
            throw new InvalidDataException($"{fileName} line {lineNumber}: length must be positive");
        }
        if (prefilterProblem)
        {
            throw new InvalidDataException($"{fileName} line {lineNumber}: prefilter must be 'pfv1:' and 4 bytes in base64url");
        }
        return new IndexEntry(hash, length, Ref: null, tag);
    }

    private static InvalidDataException NotARegistryLine(string fileName, int lineNumber)
        => new($"{fileName} line {lineNumber}: not a 'leakmon fingerprint' line");

    /// <summary><c>prefix:base64url</c> of exactly <paramref name="size"/> bytes, straight from the UTF-8 value.</summary>
    private static byte[]? DecodeTagged(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix, int size)
    {
        if (!value.StartsWith(prefix))
        {
            return null;
        }
        var text = value[prefix.Length..];
        var bytes = new byte[size];
        var status = System.Buffers.Text.Base64Url.DecodeFromUtf8(text, bytes, out var consumed, out var written);
        return status == OperationStatus.Done && consumed == text.Length && written == size ? bytes : null;
    }
}
