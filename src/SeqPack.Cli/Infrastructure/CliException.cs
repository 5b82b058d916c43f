namespace SeqPack.Cli.Infrastructure;

/// <summary>A problem with what the user asked for; the message names the problem and the fix, and is shown as one line.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The process exit code (never 0).</summary>
    public int ExitCode { get; } = exitCode;
}
