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

    /// <summary>The forms of <c>--tokenizer</c>, for help and messages: the library's own list.</summary>
    public const string TokenizerForms = Tokenizer.Forms;

    /// <summary>
    /// The message for a <c>--tokenizer</c> value of no known form, or null: chars or words (any case), or a
    /// sub-word kind before a colon (its files are checked when read).
    /// </summary>
    public static string? TokenizerSyntax(string? value)
    {
        if (value is null) return null;
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        string kind = (colon < 0 ? value : value[..colon]).Trim().ToLowerInvariant();
        bool known = colon < 0 ? kind is "chars" or "words" or "char" or "word" : kind is "wordpiece" or "bpe" or "sentencepiece";
        return known ? null : $"--tokenizer must be {TokenizerForms} (kind in any case); got '{value}'";
    }

    /// <summary>
    /// <see cref="Tokenizer.Parse"/>, reading a sub-word tokenizer's files, with each error naming the option, its
    /// value and the fix: a wrong form is a usage error, a missing or unreadable file a file error, a file that
    /// holds no such tokenizer a data error.
    /// </summary>
    public static Tokenizer ParseTokenizer(string name, bool lowercase = false)
    {
        try { return Tokenizer.Parse(name, lowercase); }
        catch (ArgumentException e)
        {
            string message = CliException.Strip(e);
            throw new CliException((message.StartsWith("tokenizer ", StringComparison.Ordinal) ? "--" + message : $"--tokenizer '{name}': {message}").TrimEnd('.')
                + $" (the forms: {TokenizerForms}).", ExitCodes.Usage);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"--tokenizer '{name}': the file '{e.FileName}' {(Directory.Exists(e.FileName) ? "is a folder" : "does not exist")}; give the path of the tokenizer's file.", ExitCodes.Files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--tokenizer '{name}': a file cannot be read ({e.Message.TrimEnd('.')}); check the path and its permissions.", ExitCodes.Files);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"--tokenizer '{name}': {e.Message.TrimEnd('.')}.", ExitCodes.Data);
        }
    }
}
