using Spectre.Console;

namespace SeqPack.Cli.Infrastructure;

/// <summary>Output that must stay on one line whatever the console width (JSON records, error lines).</summary>
internal static class ConsoleLines
{
    /// <summary>Writes <paramref name="line"/> and a line break straight to the console's writer, without Spectre's wrapping.</summary>
    public static void WriteRawLine(this IAnsiConsole console, string line)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(line);
        writer.Flush();
    }
}
