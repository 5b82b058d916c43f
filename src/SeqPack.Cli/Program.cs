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
            var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            if (Console.IsOutputRedirected) console.Profile.Width = 1000;   // tables stay readable in a log
            return Run(args, console, interrupt.Token, errors: errors);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>
    /// Runs the command line <paramref name="args"/> with results on <paramref name="console"/> (standard output)
    /// and errors and warnings on <paramref name="errors"/> (standard error; <paramref name="console"/> when
    /// null); <paramref name="interrupt"/> plays the part of Ctrl+C. An error prints one line, never wrapped
    /// (with the stack trace only under --verbose), and returns the exit code of <see cref="ExitCodes"/>.
    /// </summary>
    internal static int Run(string[] args, IAnsiConsole console, CancellationToken interrupt = default, TextReader? input = null,
        IAnsiConsole? errors = null)
    {
        errors ??= console;
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
        Action<string> warn = message =>
        {
            errors.Markup("[yellow]warning:[/] ");
            errors.WriteRawLine(message);
        };
        Warnings.Raised += warn;
        try
        {
            return app.Run(args, interrupt);
        }
        catch (Exception e)
        {
            var (message, code) = Describe(e);
            errors.Markup("[red]error:[/] ");
            errors.WriteRawLine(message);
            if (verbose) errors.WriteException(e);
            return code;
        }
        finally
        {
            Warnings.Raised -= warn;
        }
    }

    /// <summary>The one-line message and exit code of an error.</summary>
    internal static (string Message, int Code) Describe(Exception e) => e switch
    {
        CliException c => (c.Message, c.ExitCode),
        CommandParseException or CommandConfigurationException or CommandRuntimeException =>
            ($"{e.Message.TrimEnd('.')}; run 'seqpack --help' or 'seqpack COMMAND --help' for the options.", ExitCodes.Usage),
        DataFormatException d => ($"{d.Message.Replace(" (fix the row, or skip bad rows)", "")}; fix the row, or pass --skip-bad-rows to skip malformed rows.", ExitCodes.Data),
        FileNotFoundException or DirectoryNotFoundException => ($"{e.Message.TrimEnd('.')}.", ExitCodes.Files),
        UnauthorizedAccessException or IOException => ($"{e.Message.TrimEnd('.')}; check the path and its permissions.", ExitCodes.Files),
        InvalidDataException => ($"{e.Message.TrimEnd('.')}.", ExitCodes.Data),
        SeqPack.Training.TrainingDivergedException or InsufficientMemoryException => (e.Message, ExitCodes.Other),
        OutOfMemoryException =>
            ($"out of memory ({e.Message.TrimEnd('.')}); lower --batch-size, --max-length, --hidden-size or --layers.", ExitCodes.Other),
        // The library's argument checks name the parameter, the value and the fix: a problem with what was asked.
        ArgumentException => ($"{e.Message.TrimEnd('.')}.", ExitCodes.Other),
        _ => ($"internal error {e.GetType().Name}: {e.Message} (a bug in seqpack; run again with --verbose and report the stack trace)", ExitCodes.Internal),
    };
}
