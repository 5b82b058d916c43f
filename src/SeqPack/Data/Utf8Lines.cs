using System.Text;
using System.Text.Unicode;

namespace SeqPack.Data;

/// <summary>One physical line of a file: its 1-based number and its text, or null where the bytes are not valid UTF-8.</summary>
internal readonly record struct RawLine(int Number, string? Text);

/// <summary>Splits a file into lines (LF or CRLF), decoding each as strict UTF-8 (a leading BOM is dropped).</summary>
internal static class Utf8Lines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static List<RawLine> Read(string path)
    {
        ReadOnlySpan<byte> bytes = File.ReadAllBytes(path);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        var lines = new List<RawLine>();
        int number = 0;
        while (!bytes.IsEmpty)
        {
            number++;
            int end = bytes.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? [] : bytes[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            lines.Add(new RawLine(number, Utf8.IsValid(line) ? Strict.GetString(line) : null));
        }
        return lines;
    }
}
