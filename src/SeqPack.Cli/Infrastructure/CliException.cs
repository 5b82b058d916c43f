namespace SeqPack.Cli.Infrastructure;

/// <summary>A problem with what the user asked for; the message names the problem and the fix, and is shown as one line.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The process exit code (never 0).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The message of a library exception without the " (Parameter 'x')" that ArgumentException appends.</summary>
    public static string Strip(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: string name })
        {
            var suffix = $" (Parameter '{name}')";
            int at = message.LastIndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
            if (e is ArgumentOutOfRangeException { ActualValue: not null } && message.Contains(Environment.NewLine, StringComparison.Ordinal))
                message = message[..message.IndexOf(Environment.NewLine, StringComparison.Ordinal)];
        }
        return message;
    }
}
