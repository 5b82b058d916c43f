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
    /// <summary>
    /// A duration such as <c>90s</c>, <c>5m</c> or <c>1.5h</c> (a bare number is seconds), or <c>none</c> for
    /// <see cref="Timeout.InfiniteTimeSpan"/>; null when <paramref name="text"/> is not one or not positive and finite.
    /// </summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "none") return Timeout.InfiniteTimeSpan;
        double unit = t.EndsWith('h') ? 3600 : t.EndsWith('m') ? 60 : 1;
        if (t.EndsWith('h') || t.EndsWith('m') || t.EndsWith('s')) t = t[..^1];
        if (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value <= 0 || value * unit > TimeSpan.MaxValue.TotalSeconds / 2) return null;
        return TimeSpan.FromSeconds(value * unit);
    }

    public static Tokenizer ParseTokenizer(string name, bool lowercase = false)
    {
        try { return Tokenizer.Parse(name, lowercase); }
        catch (ArgumentException) { throw new CliException($"--tokenizer '{name}' is not known; use chars or words."); }
    }
}
