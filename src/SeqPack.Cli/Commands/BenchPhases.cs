using System.Diagnostics;
using System.Globalization;
using SeqPack.Kernels;
using Spectre.Console;

namespace SeqPack.Cli.Commands;

/// <summary>
/// <c>seqpack bench --phases</c>: where a training step's time goes, by stopwatch. The step is timed in three
/// parts (packing, forward, backward); the GEMMs that the layers run over all rows (input projection; dX,
/// dW_ih and dW_hh in backward, the last two one GEMM for the LSTM) are timed on their own with the same
/// shapes and threads, and the time loops are what remains: forward loop = forward − input GEMMs, backward
/// loop = backward − the weight and input gradient GEMMs. The
/// remainders also hold the small per-layer work (bias sums, weight re-ordering, the loss), so they are upper
/// bounds for the loops themselves.
/// </summary>
internal static class BenchPhases
{
    /// <summary>One row of the breakdown: median time, GEMM FLOP done in it, and managed bytes allocated.</summary>
    internal sealed record Phase(string Name, double Ms, double Flops, long? AllocatedBytes);

    /// <summary>Measures the breakdown of the train step of <paramref name="w"/> in <paramref name="layout"/>.</summary>
    public static List<Phase> Measure(BenchWorkload w, bool packed, int warmup, int iters)
    {
        var model = new BenchModel(w);
        for (int i = 0; i < warmup; i++) model.TrainPhases(packed);
        var runs = Enumerable.Range(0, iters).Select(_ => model.TrainPhases(packed)).ToList();

        var lengths = w.Lengths();
        int rows = packed ? lengths.Sum() : w.Batch * lengths.Max();
        int gates = w.Cell == BenchCell.Lstm ? 4 : 3, h = w.HiddenSize, gh = gates * h;
        double inputGemm = 0, dx = 0, dwIh = 0, dwHh = 0, dwJoint = 0, inputFlops = 0, dxFlops = 0, dwIhFlops = 0, dwHhFlops = 0;
        for (int layer = 0; layer < w.Layers; layer++)
        {
            int k = layer == 0 ? w.InputSize : h * w.Directions;
            // The same calls as the layers make (LayerMath.InputProjection, LstmLayer/GruLayer.Backward), once per direction.
            inputGemm += w.Directions * TimeGemm(false, true, rows, gh, k, warmup, iters);
            dx += w.Directions * TimeGemm(false, false, rows, k, gh, warmup, iters);
            if (w.Cell == BenchCell.Lstm)   // one GEMM dGatesᵀ·[X | H_prev] for both (LstmLayer, when both train)
                dwJoint += w.Directions * TimeGemm(true, false, gh, k + h, rows, warmup, iters);
            else
            {
                dwIh += w.Directions * TimeGemm(true, false, gh, k, rows, warmup, iters);
                dwHh += w.Directions * TimeGemm(true, false, gh, h, rows, warmup, iters);
            }
            double f = 2.0 * gh * rows * w.Directions;
            inputFlops += f * k; dxFlops += f * k; dwIhFlops += f * k; dwHhFlops += f * h;
        }
        double loopFlops = 2.0 * gh * h * rows * w.Directions * w.Layers;   // h·W_hh per step, summed over steps
        double pack = Median(runs.Select(r => r.PackMs)), fwd = Median(runs.Select(r => r.ForwardMs)),
            bwd = Median(runs.Select(r => r.BackwardMs));
        long fwdBytes = (long)Median(runs.Select(r => (double)r.ForwardBytes)),
            bwdBytes = (long)Median(runs.Select(r => (double)r.BackwardBytes));
        return
        [
            new("pack", pack, 0, null),
            new("forward (total)", fwd, inputFlops + loopFlops, fwdBytes),
            new("  input GEMM (x·W_ihᵀ)", inputGemm, inputFlops, null),
            new("  time loop (rest)", fwd - inputGemm, loopFlops, null),
            new("backward (total)", bwd, dxFlops + dwIhFlops + dwHhFlops + loopFlops, bwdBytes),
            new("  dX GEMM", dx, dxFlops, null),
            .. (w.Cell == BenchCell.Lstm
                ? new Phase[] { new("  dW_ih, dW_hh GEMM", dwJoint, dwIhFlops + dwHhFlops, null) }
                : [new("  dW_ih GEMM", dwIh, dwIhFlops, null), new("  dW_hh GEMM", dwHh, dwHhFlops, null)]),
            new("  time loop (rest)", bwd - dx - dwIh - dwHh - dwJoint, loopFlops, null),
            new("step", pack + fwd + bwd, w.Flops(lengths.Sum(), train: true), fwdBytes + bwdBytes),
        ];
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
        foreach (var p in phases)
        {
            double gflops = p.Flops > 0 && p.Ms > 0 ? p.Flops / (p.Ms / 1000) / 1e9 : 0;
            table.AddRow(Markup.Escape(p.Name), F(p.Ms, 1), F(100 * p.Ms / step, 1) + "%",
                gflops > 0 ? F(gflops, 1) : "-",
                gflops > 0 && peak is { } pk ? F(100 * gflops / pk.GflopsPerSecond, 1) + "%" : "-",
                p.AllocatedBytes is { } b ? F(b / (1024.0 * 1024.0), 1) + " MiB" : "");
        }
        console.Write(table);
    }

    private static double TimeGemm(bool transA, bool transB, int m, int n, int k, int warmup, int iters)
    {
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (i % 7) * 0.1f;
        for (int i = 0; i < b.Length; i++) b[i] = (i % 5) * 0.1f;
        int lda = transA ? m : k, ldb = transB ? k : n;
        var times = new double[iters];
        for (int i = -Math.Max(1, warmup); i < iters; i++)
        {
            long t = Stopwatch.GetTimestamp();
            Gemm.Sgemm(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            if (i >= 0) times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        return Median(times);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string F(double v, int digits) => v.ToString("N" + digits, CultureInfo.InvariantCulture);
}
