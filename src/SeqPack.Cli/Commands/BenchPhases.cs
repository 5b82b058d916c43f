using System.Diagnostics;
using System.Globalization;
using SeqPack.Benchmarking;
using SeqPack.Kernels;
using Spectre.Console;

namespace SeqPack.Cli.Commands;

/// <summary>
/// <c>seqpack bench --phases</c>: where a training step's time goes, by stopwatch. The step is timed in three
/// parts (packing, forward, backward); the GEMMs that the layers run over all rows (input projection; dX,
/// dW_ih and dW_hh in backward, the last two one GEMM for the LSTM) are timed on their own with the same
/// shapes and threads, each right after a step, and the time loops are what remains: forward loop = forward − input GEMMs, backward
/// loop = backward − the weight and input gradient GEMMs. The
/// remainders also hold the small per-layer work (bias sums, weight re-ordering, the loss), so they are upper
/// bounds for the loops themselves.
/// </summary>
internal static class BenchPhases
{
    /// <summary>One row of the breakdown: median time, GEMM FLOP done in it, and managed bytes allocated.</summary>
    internal sealed record Phase(string Name, double Ms, double Flops, long? AllocatedBytes);

    /// <summary>Measures the breakdown of the train step of <paramref name="w"/> in <paramref name="layout"/>.</summary>
    /// <remarks>
    /// Each timed iteration runs one step and then each GEMM once, so that a noisy stretch of the host weighs on
    /// both alike: timed apart (all steps, then all GEMMs), a slow minute in one of them could make a remainder
    /// negative, or its GFLOP/s more than the peak.
    /// </remarks>
    public static List<Phase> Measure(BenchWorkload w, bool packed, int warmup, int iters)
    {
        var model = new BenchModel(w);
        var lengths = w.Lengths();
        int rows = packed ? lengths.Sum() : w.Batch * lengths.Max();
        int gates = w.Cell == BenchCell.Lstm ? 4 : 3, h = w.HiddenSize, gh = gates * h;
        // The same calls as the layers make (LayerMath.InputProjection, LstmLayer/GruLayer.Backward), per layer and direction.
        var input = new List<GemmShape>(); var dx = new List<GemmShape>(); var dwIh = new List<GemmShape>(); var dwHh = new List<GemmShape>(); var dwJoint = new List<GemmShape>();
        double inputFlops = 0, dxFlops = 0, dwIhFlops = 0, dwHhFlops = 0;
        for (int layer = 0; layer < w.Layers; layer++)
        {
            int k = layer == 0 ? w.InputSize : h * w.Directions;
            for (int d = 0; d < w.Directions; d++)
            {
                input.Add(new GemmShape(false, true, rows, gh, k));
                dx.Add(new GemmShape(false, false, rows, k, gh));
                if (w.Cell == BenchCell.Lstm)   // one GEMM dGatesᵀ·[X | H_prev] for both (LstmLayer, when both train)
                    dwJoint.Add(new GemmShape(true, false, gh, k + h, rows));
                else
                {
                    dwIh.Add(new GemmShape(true, false, gh, k, rows));
                    dwHh.Add(new GemmShape(true, false, gh, h, rows));
                }
            }
            double f = 2.0 * gh * rows * w.Directions;
            inputFlops += f * k; dxFlops += f * k; dwIhFlops += f * k; dwHhFlops += f * h;
        }
        var groups = new[] { input, dx, dwIh, dwHh, dwJoint };
        var operands = new Operands(groups.SelectMany(g => g));
        var groupMs = groups.Select(_ => new List<double>()).ToArray();
        var runs = new List<(double PackMs, double ForwardMs, double BackwardMs, long ForwardBytes, long BackwardBytes)>();
        for (int i = -warmup; i < iters; i++)
        {
            var run = model.TrainPhases(packed);
            var ms = groups.Select(g => g.Sum(gemm => gemm.Time(operands))).ToArray();   // warm-up included: the first call JIT-compiles
            if (i < 0) continue;
            runs.Add(run);
            for (int g = 0; g < groups.Length; g++) groupMs[g].Add(ms[g]);
        }
        double Med(int g) => Median(groupMs[g]);
        double loopFlops = 2.0 * gh * h * rows * w.Directions * w.Layers;   // h·W_hh per step, summed over steps
        double pack = Median(runs.Select(r => r.PackMs)), fwd = Median(runs.Select(r => r.ForwardMs)),
            bwd = Median(runs.Select(r => r.BackwardMs));
        long fwdBytes = (long)Median(runs.Select(r => (double)r.ForwardBytes)),
            bwdBytes = (long)Median(runs.Select(r => (double)r.BackwardBytes));
        return
        [
            new("pack", pack, 0, null),
            new("forward (total)", fwd, inputFlops + loopFlops, fwdBytes),
            new("  input GEMM (x·W_ihᵀ)", Med(0), inputFlops, null),
            new("  time loop (rest)", fwd - Med(0), loopFlops, null),
            new("backward (total)", bwd, dxFlops + dwIhFlops + dwHhFlops + loopFlops, bwdBytes),
            new("  dX GEMM", Med(1), dxFlops, null),
            .. (w.Cell == BenchCell.Lstm
                ? new Phase[] { new("  dW_ih, dW_hh GEMM", Med(4), dwIhFlops + dwHhFlops, null) }
                : [new("  dW_ih GEMM", Med(2), dwIhFlops, null), new("  dW_hh GEMM", Med(3), dwHhFlops, null)]),
            new("  time loop (rest)", bwd - Med(1) - Med(2) - Med(3) - Med(4), loopFlops, null),
            new("step", pack + fwd + bwd, w.Flops(lengths.Sum(), train: true), fwdBytes + bwdBytes),
        ];
    }

    /// <summary>One GEMM shape of the step, timed alone.</summary>
    private sealed record GemmShape(bool TransA, bool TransB, int M, int N, int K)
    {
        /// <summary>Runs it once on the shared operands and returns its time in ms.</summary>
        public double Time(Operands o)
        {
            long t = Stopwatch.GetTimestamp();
            Blas.Sgemm(TransA, TransB, M, N, K, 1f, o.A, TransA ? M : K, o.B, TransB ? K : N, 0f, o.C, N);
            return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
    }

    /// <summary>One A, B and C array large enough for every shape (their values only need to be ordinary numbers).</summary>
    private sealed class Operands
    {
        public readonly float[] A, B, C;

        public Operands(IEnumerable<GemmShape> gemms)
        {
            var list = gemms.ToList();
            A = Filled(list.Count == 0 ? 0 : list.Max(g => (long)g.M * g.K), 7);
            B = Filled(list.Count == 0 ? 0 : list.Max(g => (long)g.K * g.N), 5);
            C = new float[list.Count == 0 ? 0 : list.Max(g => (long)g.M * g.N)];
        }

        private static float[] Filled(long length, int period)
        {
            var x = new float[length];
            for (int i = 0; i < x.Length; i++) x[i] = (i % period) * 0.1f;
            return x;
        }
    }

    /// <summary>Writes the breakdown as a table.</summary>
    public static void Write(IAnsiConsole console, BenchWorkload w, string layout, List<Phase> phases, FmaPeakResult? peak)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{w.Name} train {layout}: where the time goes (medians)"));
        table.AddColumn("phase");
        foreach (var c in new[] { "ms", "% of step", "GFLOP/s", "% peak", "allocated" })
            table.AddColumn(new TableColumn(c).RightAligned());
        double step = phases[^1].Ms;
        bool abovePeak = false;
        foreach (var p in phases)
        {
            double gflops = p.Flops > 0 && p.Ms > 0 ? p.Flops / (p.Ms / 1000) / 1e9 : 0;
            abovePeak |= gflops > 0 && peak is { } top && gflops > top.GflopsPerSecond;
            table.AddRow(Markup.Escape(p.Name), F(p.Ms, 1), F(100 * p.Ms / step, 1) + "%",
                gflops > 0 ? F(gflops, 1) : "-",
                gflops > 0 && peak is { } pk ? F(100 * gflops / pk.GflopsPerSecond, 1) + "%" : "-",
                p.AllocatedBytes is { } b ? F(b / (1024.0 * 1024.0), 1) + " MiB" : "");
        }
        console.Write(table);
        if (abovePeak)
            console.MarkupLine(Markup.Escape(
                "A row above 100% of the peak: its remainder came out too small because the host was slower while the GEMMs ran alone than during the steps. Repeat the run."));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string F(double v, int digits) => v.ToString("N" + digits, CultureInfo.InvariantCulture);
}
