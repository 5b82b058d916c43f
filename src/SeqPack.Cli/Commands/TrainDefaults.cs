using SeqPack.Cli.Infrastructure;
using SeqPack.Data;

namespace SeqPack.Cli.Commands;

/// <summary>Defaults shared by the commands: the shipped data and option parsing.</summary>
internal static class TrainDefaults
{
    /// <summary>The shipped SMS spam file, relative to the program's folder (the build copies it there and the tool package carries it).</summary>
    public const string SmsSpam = "data/sms-spam/sms-spam.tsv";

    /// <summary>
    /// The shipped default file <see cref="SmsSpam"/> beside the program, so that it is found from any working
    /// directory; any other <paramref name="path"/> as given (relative to the working directory).
    /// </summary>
    public static string Locate(string path) =>
        path == SmsSpam ? Path.Combine(AppContext.BaseDirectory, SmsSpam) : path;

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

    /// <summary><see cref="Tokenizer.Parse"/> with the error naming the option.</summary>
    public static Tokenizer ParseTokenizer(string name, bool lowercase = false)
    {
        try { return Tokenizer.Parse(name, lowercase); }
        catch (ArgumentException) { throw new CliException($"--tokenizer '{name}' is not known; use chars or words."); }
    }
}
