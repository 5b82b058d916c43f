using System.Diagnostics;
using SeqPack.Cli.Infrastructure;
using SeqPack.Benchmarking;
using SeqPack.Kernels;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>
/// <c>seqpack bench</c>: times SeqPack on the standard recurrent workloads exactly as shared/peer/run.sh times
/// PyTorch (same options, inputs, lengths and JSON lines on stdout), and writes a readable report to stderr:
/// median ms, tokens/s, GFLOP/s on real tokens and the fraction of the FMA peak measured in the same run;
/// with <c>--compare</c> PyTorch's lines side by side, with <c>--chart</c> a PNG of tokens/s.
/// </summary>
public sealed class BenchCommand : Command<BenchSettings>
{
    private readonly TextWriter stdout;
    private readonly IAnsiConsole stderr;
    private readonly Func<BenchWorkload, IBenchModel> createModel;

    /// <summary>
    /// JSON lines go to <paramref name="console"/>'s own writer, unformatted; the report goes to stderr when that
    /// writer is the process's stdout (so <c>seqpack bench &gt; runs.jsonl</c> keeps only JSON lines), else to
    /// <paramref name="console"/> itself (a test console).
    /// </summary>
    public BenchCommand(IAnsiConsole console)
        : this(console.Profile.Out.Writer, ReportConsole(console), w => new BenchModel(w))
    {
    }

    /// <summary>For tests: where the JSON lines and the report go, and what is timed.</summary>
    internal BenchCommand(TextWriter stdout, IAnsiConsole stderr, Func<BenchWorkload, IBenchModel> createModel)
    {
        this.stdout = stdout;
        this.stderr = stderr;
        this.createModel = createModel;
    }

    public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Chart is not null) OutputPaths.Png(settings.Chart, "--chart", [settings.Compare]);
        List<BenchRecord>? peer = null;
        if (settings.Compare is not null)
        {
            // Read before timing anything, so that a wrong file fails at once rather than after minutes.
            try { peer = BenchRecord.ReadFile(settings.Compare); }
            catch (FormatException e)
            {
                throw new CliException($"--compare {settings.Compare}: {e.Message}; give the JSON lines that shared/peer/run.sh prints.");
            }
        }

        int previousThreads = Compute.Threads;
        Compute.Threads = settings.ThreadCount;
        try
        {
            stderr.MarkupLine(Markup.Escape(
                $"# {BenchRunner.Impl}, {settings.ThreadCount} threads, {Environment.ProcessorCount} processors, " +
                $".NET {Environment.Version}, widest accelerated vector: {FmaPeak.VectorBits} bits"));
            FmaPeakResult? peak1 = null, peakN = null;
            double[]? peakNMeasured = null;   // the N-thread figure before and after the cases
            if (!settings.NoPeak)
            {
                peak1 = FmaPeak.Measure(1);
                peakN = settings.ThreadCount == 1 ? peak1 : MeasureThreads(settings.ThreadCount, peak1.Value);
            }

            var measurements = BenchRunner.Run(settings, createModel, m =>
            {
                stdout.WriteLine(m.Record.ToJsonLine());
                stdout.Flush();
            });

            if (!settings.NoPeak)
            {
                // Once more after the cases, keeping the higher figure: the peak loop needs every thread on a core
                // at once, and a host that takes a core away for a moment makes one measurement low, which would
                // inflate '% peak'.
                var after1 = FmaPeak.Measure(1);
                peak1 = Higher(peak1, after1);
                var afterN = settings.ThreadCount == 1 ? after1 : MeasureThreads(settings.ThreadCount, peak1.Value);
                peakNMeasured = [peakN!.Value.GflopsPerSecond, afterN.GflopsPerSecond];
                peakN = settings.ThreadCount == 1 ? peak1 : Higher(peakN, afterN);
            }

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            BenchReport.Write(stderr, new BenchReportData(measurements, peer, peak1, peakN, process.PeakWorkingSet64, peakNMeasured));
            if (settings.Phases)
                foreach (var w in settings.SelectedWorkloads)
                foreach (var layout in settings.SelectedLayouts)
                    BenchPhases.Write(stderr, w, layout,
                        BenchPhases.Measure(w, layout == "packed", settings.Warmup, settings.Iters), peakN);
            if (settings.Chart is not null)
            {
                BenchChart.Write(settings.Chart, measurements.Select(m => m.Record).ToList(), peer);
                stderr.MarkupLine($"Chart written to {Markup.Escape(settings.Chart)}");
            }
            return 0;
        }
        finally
        {
            Compute.Threads = previousThreads;
        }
    }

    /// <summary>
    /// The <paramref name="threads"/>-thread peak, measured again (up to three more times, a second apart) while
    /// it stays below <see cref="BenchReport.ConcurrentShare"/> of what that many cores give at the 1-thread
    /// figure <paramref name="one"/>, keeping the best: a host that runs two vCPUs on one core for a few seconds
    /// would otherwise halve the denominator of '% peak' and report more than 100% of the peak.
    /// </summary>
    private static FmaPeakResult MeasureThreads(int threads, FmaPeakResult one)
    {
        var best = FmaPeak.Measure(threads);
        for (int retry = 0; retry < 3 && BenchReport.BelowConcurrent(best, one, Environment.ProcessorCount); retry++)
        {
            Thread.Sleep(1000);
            best = Higher(best, FmaPeak.Measure(threads));
        }
        return best;
    }

    private static FmaPeakResult Higher(FmaPeakResult? a, FmaPeakResult b)
        => a is { } x && x.GflopsPerSecond >= b.GflopsPerSecond ? x : b;

    private static IAnsiConsole ReportConsole(IAnsiConsole console)
    {
        if (!ReferenceEquals(console.Profile.Out.Writer, Console.Out)) return console;
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected) stderr.Profile.Width = 200;   // a log file: keep each table row on one line
        return stderr;
    }
}
