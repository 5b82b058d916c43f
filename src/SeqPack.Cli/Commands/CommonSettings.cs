using System.ComponentModel;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class CommonSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Show the stack trace of an error.")]
    public bool Verbose { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Worker threads for the kernels (default: all cores).")]
    public int? Threads { get; init; }

    /// <summary>Applies <see cref="Threads"/> to <see cref="Compute.Threads"/>.</summary>
    internal void ApplyThreads()
    {
        if (Threads is int t)
        {
            if (t < 1) throw new Infrastructure.CliException($"--threads must be at least 1, got {t}; pass a positive count or leave it out.");
            Compute.Threads = t;
        }
    }
}
