using SeqPack.Cli.Infrastructure;
using SeqPack.Data;

namespace SeqPack.Cli.Commands;

/// <summary>Defaults shared by the commands: the shipped data and option parsing.</summary>
internal static class TrainDefaults
{
    /// <summary>The shipped SMS spam file, relative to the repository root.</summary>
    public const string SmsSpam = "data/sms-spam/sms-spam.tsv";

    /// <summary>
    /// <paramref name="path"/> as given when it exists; otherwise, for a relative path, the first match in a
    /// folder above the working directory or above the program (so the shipped data is found from anywhere
    /// in the repository).
    /// </summary>
    public static string Locate(string path)
    {
        if (File.Exists(path) || Path.IsPathRooted(path)) return path;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, path);
                if (File.Exists(candidate)) return candidate;
            }
        return path;
    }

    /// <summary><see cref="Tokenizer.Parse"/> with the error naming the option.</summary>
    public static Tokenizer ParseTokenizer(string name, bool lowercase = false)
    {
        try { return Tokenizer.Parse(name, lowercase); }
        catch (ArgumentException) { throw new CliException($"--tokenizer '{name}' is not known; use chars or words."); }
    }
}
