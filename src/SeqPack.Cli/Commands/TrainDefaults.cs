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

    /// <summary><see cref="Tokenizer.Parse"/> with the error naming the option.</summary>
    public static Tokenizer ParseTokenizer(string name, bool lowercase = false)
    {
        try { return Tokenizer.Parse(name, lowercase); }
        catch (ArgumentException) { throw new CliException($"--tokenizer '{name}' is not known; use chars or words."); }
    }
}
