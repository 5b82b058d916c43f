using SeqPack.Cli;
using Spectre.Console.Testing;

namespace SeqPack.Tests.Cli;

/// <summary>Runs the seqpack command in-process on a Spectre.Console.Testing console.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output) Run(params string[] args) => Run(default, args);

    public static (int ExitCode, string Output) Run(CancellationToken interrupt, params string[] args) => Run(interrupt, null, args);

    public static (int ExitCode, string Output) RunWithInput(string stdin, params string[] args) => Run(default, stdin, args);

    /// <summary>Runs with standard output and standard error on separate consoles of <paramref name="width"/> columns.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunSplit(string[] args, string? stdin = null, int width = 80)
    {
        var stdout = new TestConsole().Width(width);
        var stderr = new TestConsole().Width(width);
        int code = Program.Run(args, stdout, default, new StringReader(stdin ?? ""), stderr);
        return (code, stdout.Output, stderr.Output);
    }

    private static (int ExitCode, string Output) Run(CancellationToken interrupt, string? stdin, string[] args)
    {
        var console = new TestConsole().Width(250);
        int code = Program.Run(args, console, interrupt, new StringReader(stdin ?? ""));
        return (code, console.Output);
    }
}
