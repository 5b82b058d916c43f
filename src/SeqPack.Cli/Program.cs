using SeqPack.Cli.Commands;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli;

/// <summary>The <c>seqpack</c> command: train, evaluate, predict, export, inspect and bench.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // First Ctrl+C: ask the running command to save a checkpoint and stop; a second one kills the process.
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (interrupt.IsCancellationRequested) return;
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += handler;
        try
        {
            var console = AnsiConsole.Console;
            if (Console.IsOutputRedirected) console.Profile.Width = 1000;   // one error, one line, when piped
            return Run(args, console, interrupt.Token);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>
    /// Runs the command line <paramref name="args"/> on <paramref name="console"/>; <paramref name="interrupt"/>
    /// plays the part of Ctrl+C. Errors print one line (with the stack trace only under --verbose) and return a
    /// non-zero exit code.
    /// </summary>
    internal static int Run(string[] args, IAnsiConsole console, CancellationToken interrupt = default, TextReader? input = null)
    {
        var registrar = new TypeRegistrar();
        registrar.RegisterInstance(typeof(IAnsiConsole), console);
        registrar.RegisterInstance(typeof(TextReader), input ?? Console.In);
        var app = new CommandApp(registrar);
        app.Configure(config =>
        {
            config.SetApplicationName("seqpack");
            config.SetApplicationVersion(typeof(Tensor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.UseStrictParsing();
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a classifier or tagger on a data file (default: the shipped SMS spam data).");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Metrics and a confusion matrix of a trained model on a data file.");
            config.AddCommand<PredictCommand>("predict")
                .WithDescription("Label (or tag) texts given as arguments or as lines on standard input.");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Write a trained model as one ONNX graph (ids, lengths -> probabilities) for ONNX Runtime.");
            config.AddCommand<InspectCommand>("inspect")
                .WithDescription("Length statistics of a data file and the padding that batching would waste.");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Speed of the recurrent layers on packed batches.");
        });
        bool verbose = args.Contains("--verbose");
        try
        {
            return app.Run(args, interrupt);
        }
        catch (Exception e)
        {
            var (message, code) = Describe(e);
            console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
            if (verbose) console.WriteException(e);
            return code;
        }
    }

    /// <summary>The one-line message and exit code of an error.</summary>
    internal static (string Message, int Code) Describe(Exception e) => e switch
    {
        CliException c => (c.Message, c.ExitCode),
        CommandParseException or CommandConfigurationException or CommandRuntimeException =>
            ($"{e.Message.TrimEnd('.')}; run 'seqpack --help' or 'seqpack COMMAND --help' for the options.", 2),
        DataFormatException d => ($"{d.Message.Replace(" (fix the row, or skip bad rows)", "")}; fix the row, or pass --skip-bad-rows to skip malformed rows.", 3),
        FileNotFoundException or DirectoryNotFoundException => ($"{e.Message.TrimEnd('.')}.", 4),
        UnauthorizedAccessException or IOException => ($"{e.Message.TrimEnd('.')}; check the path and its permissions.", 4),
        _ => ($"unexpected {e.GetType().Name}: {e.Message} (run again with --verbose for the stack trace)", 70),
    };
}
