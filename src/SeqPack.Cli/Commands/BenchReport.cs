using System.Globalization;
using SeqPack.Benchmarking;
using SeqPack.Kernels;
using Spectre.Console;

namespace SeqPack.Cli.Commands;

/// <summary>Everything the readable report shows, gathered by <see cref="BenchCommand"/>.</summary>
internal sealed record BenchReportData(
    IReadOnlyList<BenchMeasurement> Measurements,
    IReadOnlyList<BenchRecord>? Peer,
    FmaPeakResult? PeakOneThread,
    FmaPeakResult? PeakThreads,
    long PeakWorkingSetBytes,
    IReadOnlyList<double>? PeakThreadsMeasured = null);

/// <summary>
/// The human-readable side of <c>seqpack bench</c> (written to stderr, so stdout stays pure JSON lines):
/// one table of cases with median, tokens/s, GFLOP/s on real tokens and fraction of the measured FMA peak,
/// the comparison with PyTorch when given, and SeqPack's packed-over-padded gain against the padding ratio.
/// </summary>
internal static class BenchReport
{
    /// <summary>Writes the tables and the notes to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, BenchReportData data)
    {
        var comparisons = data.Peer is null ? null
            : BenchComparison.Join(data.Measurements.Select(m => m.Record), data.Peer);
        console.Write(CaseTable(data, comparisons));
        var gains = PackingGains(data.Measurements);
        if (gains.Count > 0) console.Write(GainTable(gains));

        if (data.PeakThreads is { } p)
        {
            string one = data.PeakOneThread is { } p1 ? $"{F(p1.GflopsPerSecond, 1)} GFLOP/s on 1 thread, " : "";
            console.MarkupLine(Markup.Escape(
                $"FMA peak (register-only Vector{p.VectorBits} loop, fp32, this run, the higher of before and after the cases): {one}{F(p.GflopsPerSecond, 1)} GFLOP/s on {p.Threads} thread(s){Measured(data.PeakThreadsMeasured)}; '% peak' uses the latter."));
            if (PeakNote(data.PeakThreadsMeasured, p.Threads) is { } note) console.MarkupLine(Markup.Escape(note));
            if (ConcurrencyNote(data.PeakOneThread, p, Environment.ProcessorCount) is { } shared) console.MarkupLine(Markup.Escape(shared));
        }
        console.MarkupLine(Markup.Escape(
            $"Peak working set of this process: {data.PeakWorkingSetBytes / (1024.0 * 1024.0):F0} MiB (all cases of the run together; " +
            "for one case compare `/usr/bin/time -v seqpack bench --workloads=lstm-m --modes=train --layouts=packed` " +
            "with the same line for shared/peer/run.sh, 'Maximum resident set size')."));
        if (comparisons is not null && comparisons.Any(c => c.SameLayout is null))
            console.MarkupLine("[yellow]Some cases have no PyTorch line with the same workload, mode, layout and threads.[/]");
    }

    private static Table CaseTable(BenchReportData data, List<BenchComparison>? comparisons)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(BenchRunner.Impl));
        table.AddColumn("workload").AddColumn("mode").AddColumn("layout");
        foreach (var c in new[] { "median ms", "min ms", "tokens/s", "GFLOP/s", "% peak", "alloc/step" })
            table.AddColumn(new TableColumn(c).RightAligned());
        if (comparisons is not null)
            foreach (var c in new[] { "PyTorch ms", "× PyTorch", "PyTorch best", "× best" })
                table.AddColumn(new TableColumn(c).RightAligned());

        for (int i = 0; i < data.Measurements.Count; i++)
        {
            var m = data.Measurements[i];
            var r = m.Record;
            double gflops = m.Flops / (r.MedianMs / 1000) / 1e9;
            var cells = new List<string>
            {
                r.Workload, r.Mode, r.Layout, F(r.MedianMs, 1), F(r.MinMs, 1), F(r.TokensPerSecond, 0), F(gflops, 1),
                data.PeakThreads is { } p ? F(100 * gflops / p.GflopsPerSecond, 1) + "%" : "-",
                Bytes(m.AllocatedBytesPerStep),
            };
            if (comparisons is not null)
            {
                var c = comparisons[i];
                cells.Add(c.SameLayout is null ? "-" : F(c.SameLayout.MedianMs, 1));
                cells.Add(Ratio(c.SpeedupSameLayout));
                cells.Add(c.PeerBest is null ? "-" : $"{F(c.PeerBest.MedianMs, 1)} ({c.PeerBest.Layout})");
                cells.Add(Ratio(c.SpeedupVsPeerBest));
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    /// <summary>SeqPack's packed-over-padded speed-up for a workload and mode, beside the padding ratio.</summary>
    internal sealed record PackingGain(string Workload, string Mode, double Speedup, double PaddingRatio)
    {
        /// <summary>The target: packed must beat padded by at least 0.8 × padded tokens / real tokens.</summary>
        public bool MeetsTarget => Speedup >= 0.8 * PaddingRatio;
    }

    internal static List<PackingGain> PackingGains(IReadOnlyList<BenchMeasurement> measurements)
    {
        var gains = new List<PackingGain>();
        foreach (var g in measurements.Select(m => m.Record).GroupBy(r => (r.Workload, r.Mode)))
        {
            var padded = g.FirstOrDefault(r => r.Layout == "padded");
            var packed = g.FirstOrDefault(r => r.Layout == "packed");
            if (padded is null || packed is null) continue;
            gains.Add(new PackingGain(g.Key.Workload, g.Key.Mode, padded.MedianMs / packed.MedianMs,
                (double)packed.PaddedTokens / packed.Tokens));
        }
        return gains;
    }

    private static Table GainTable(List<PackingGain> gains)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("packed vs padded (SeqPack)");
        table.AddColumn("workload").AddColumn("mode");
        foreach (var c in new[] { "padded/packed time", "padded/real tokens", "target ≥ 0.8×", "met" })
            table.AddColumn(new TableColumn(c).RightAligned());
        foreach (var g in gains)
            table.AddRow(Markup.Escape(g.Workload), g.Mode, Ratio(g.Speedup), F(g.PaddingRatio, 2),
                Ratio(0.8 * g.PaddingRatio), g.MeetsTarget ? "[green]yes[/]" : "[red]no[/]");
        return table;
    }

    private static string F(double v, int digits) => v.ToString("N" + digits, CultureInfo.InvariantCulture);

    private static string Measured(IReadOnlyList<double>? figures)
        => figures is [var before, var after] ? $" ({F(before, 1)} before the cases, {F(after, 1)} after)" : "";

    /// <summary>
    /// The share of <c>min(threads, processors)</c> times the 1-thread peak below which an N-thread peak means
    /// that the threads did not each have a core of their own while it was measured: threads that each have a
    /// core read close to N times the 1-thread figure, and two sharing one read about one time.
    /// </summary>
    internal const double ConcurrentShare = 0.8;

    /// <summary>Whether <paramref name="peak"/> is below <see cref="ConcurrentShare"/> of what its threads give at the 1-thread figure.</summary>
    internal static bool BelowConcurrent(FmaPeakResult peak, FmaPeakResult one, int processors)
        => peak.Threads > 1 && one.GflopsPerSecond > 0
           && peak.GflopsPerSecond < ConcurrentShare * Cores(peak, processors) * one.GflopsPerSecond;

    /// <summary>The cores a peak's threads can occupy at once: its thread count, at most the processor count.</summary>
    private static int Cores(FmaPeakResult peak, int processors) => Math.Min(peak.Threads, Math.Max(1, processors));

    /// <summary>
    /// A warning when the N-thread peak kept for '% peak' is still below <see cref="ConcurrentShare"/> of what its
    /// threads give at the 1-thread figure (after the retries of the measurement): the fraction then overstates.
    /// </summary>
    internal static string? ConcurrencyNote(FmaPeakResult? one, FmaPeakResult peak, int processors)
    {
        if (one is not { } p1 || !BelowConcurrent(peak, p1, processors)) return null;
        int cores = Cores(peak, processors);
        return $"The {peak.Threads}-thread peak ({F(peak.GflopsPerSecond, 1)} GFLOP/s) is only {F(peak.GflopsPerSecond / p1.GflopsPerSecond, 2)} times the 1-thread figure " +
               $"where {cores} cores give about {cores}: the host did not run the threads on cores of their own while it was measured, so '% peak' overstates the fraction. Repeat the run.";
    }

    /// <summary>
    /// A warning when the <paramref name="threads"/>-thread peak measured before the cases and the one measured after differ by more
    /// than 15%: a host that runs two vCPUs on one core for a while halves that figure, and the cases in between
    /// may have run on less than the kept peak.
    /// </summary>
    internal static string? PeakNote(IReadOnlyList<double>? figures, int threads)
    {
        if (figures is not [var before, var after] || before <= 0 || after <= 0) return null;
        double ratio = Math.Min(before, after) / Math.Max(before, after);
        return ratio >= 0.85 ? null
            : $"The two measurements of the {threads}-thread peak differ by {F(100 * (1 - ratio), 0)}%: the host gave this process less of its cores for a while (other tenants, or two vCPUs run on one core), and the cases may have run on less than the peak assumes. Repeat the run to compare.";
    }

    private static string Ratio(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "-";

    private static string Bytes(double b) => b switch
    {
        < 1024 => $"{b:F0} B",
        < 1024 * 1024 => $"{b / 1024:F1} KiB",
        _ => $"{b / (1024 * 1024):F1} MiB",
    };
}
