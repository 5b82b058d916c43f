using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SeqPack.Data;

/// <summary>
/// One physical line of a file: its 1-based number, its text (null where the bytes are not valid UTF-8),
/// whether it was cut at the line limit, and its full length in bytes.
/// </summary>
internal readonly record struct RawLine(int Number, string? Text, bool Cut = false, long Bytes = 0);

/// <summary>
/// Splits a file into lines (LF or CRLF), decoding each as strict UTF-8 (a leading BOM is dropped). The file is
/// streamed: a line longer than the limit keeps only its first bytes (cut at a character boundary) and is
/// marked <see cref="RawLine.Cut"/>, so no single line is ever held in memory beyond the limit.
/// </summary>
internal static class Utf8Lines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static List<RawLine> Read(string path, int maxLineBytes = DataReaderOptions.DefaultMaxLineBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Read(stream, maxLineBytes);
    }

    public static List<RawLine> Read(Stream stream, int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        var lines = new List<RawLine>();
        var buffer = new byte[1 << 16];
        var kept = new ArrayBufferWriter<byte>();
        long lineBytes = 0;
        bool pending = false;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            while (!span.IsEmpty)
            {
                pending = true;
                int end = span.IndexOf((byte)'\n');
                var part = end < 0 ? span : span[..end];
                int room = (int)Math.Min(part.Length, Math.Max(0, maxLineBytes - kept.WrittenCount));
                kept.Write(part[..room]);
                lineBytes += part.Length;
                if (end < 0) break;
                lines.Add(Line(lines.Count + 1, kept.WrittenSpan, lineBytes, maxLineBytes));
                kept.ResetWrittenCount();
                lineBytes = 0;
                pending = false;
                span = span[(end + 1)..];
            }
        }
        if (pending) lines.Add(Line(lines.Count + 1, kept.WrittenSpan, lineBytes, maxLineBytes));
        return lines;
    }

    private static RawLine Line(int number, ReadOnlySpan<byte> line, long bytes, int maxLineBytes)
    {
        if (number == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) line = line[3..];
        bool cut = bytes > maxLineBytes;
        if (cut)
        {
            // Drop a character split by the cut (at most three continuation bytes and their lead byte).
            for (int drop = 0; drop < 4 && !line.IsEmpty && !Utf8.IsValid(line); drop++) line = line[..^1];
        }
        else if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        return new RawLine(number, Utf8.IsValid(line) ? Strict.GetString(line) : null, cut, bytes);
    }
}
