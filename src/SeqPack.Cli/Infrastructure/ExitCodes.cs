namespace SeqPack.Cli.Infrastructure;

/// <summary>The process exit codes of <c>seqpack</c>, as docs/CLI.md lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Any other problem with what was asked (a run that cannot be resumed, a label the model does not know).</summary>
    public const int Other = 1;
    /// <summary>Bad command line: unknown option, a value out of its range, options that do not go together.</summary>
    public const int Usage = 2;
    /// <summary>Malformed data: a row of a data file, config.json or a weights file that cannot be used.</summary>
    public const int Data = 3;
    /// <summary>Files: missing, unreadable, or a path the command refuses to write.</summary>
    public const int Files = 4;
    /// <summary>The ranks of an <c>mpiexec</c> launch read different data or options than rank 0.</summary>
    public const int RanksDisagree = 5;
    /// <summary>An internal error: a bug in seqpack (run with --verbose and report the stack trace).</summary>
    public const int Internal = 70;
    /// <summary>Interrupted (Ctrl+C or SIGTERM) after saving a checkpoint.</summary>
    public const int Interrupted = 130;
}
