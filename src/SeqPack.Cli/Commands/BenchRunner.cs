using System.Diagnostics;

namespace SeqPack.Cli.Commands;

/// <summary>A workload's model and input, built once and then stepped many times.</summary>
internal interface IBenchModel
{
    /// <summary>
    /// One timed step: with <paramref name="packed"/> the input is packed with its lengths first (the packing is
    /// part of the step); forward; loss = sum of all outputs; with <paramref name="train"/> backward to every
    /// weight and to the input, else forward only with no gradient recorded.
    /// </summary>
    void Step(bool train, bool packed);
}

/// <summary>A measured case: the JSON record plus what only SeqPack's side knows.</summary>
/// <param name="AllocatedBytesPerStep">Managed bytes allocated per timed step, all threads (GC.GetTotalAllocatedBytes).</param>
/// <param name="Gen0Collections">Gen-0 collections during the timed steps.</param>
internal sealed record BenchMeasurement(BenchRecord Record, double Flops, double AllocatedBytesPerStep, int Gen0Collections);

/// <summary>Times every selected (workload, mode, layout) in the peer's order: workloads, then modes, then layouts.</summary>
internal static class BenchRunner
{
    /// <summary>The impl field of SeqPack's records: <c>seqpack-&lt;library version&gt;</c>.</summary>
    public static string Impl { get; } =
        "seqpack-" + (typeof(Tensor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>
    /// Runs the cases; <paramref name="onMeasured"/> sees each one as soon as it is timed (so that JSON lines
    /// stream out during long runs).
    /// </summary>
    public static List<BenchMeasurement> Run(BenchSettings settings, Func<BenchWorkload, IBenchModel> createModel,
        Action<BenchMeasurement>? onMeasured = null)
    {
        var results = new List<BenchMeasurement>();
        foreach (var w in settings.SelectedWorkloads)
        {
            var lengths = w.Lengths();
            long tokens = lengths.Sum(), padded = (long)w.Batch * lengths.Max();
            var model = createModel(w);
            foreach (var mode in settings.SelectedModes)
            foreach (var layout in settings.SelectedLayouts)
            {
                bool train = mode == "train", packed = layout == "packed";
                var (times, allocated, gen0) = Time(() => model.Step(train, packed), settings.Warmup, settings.Iters);
                var m = new BenchMeasurement(
                    BenchRecord.FromTimes(Impl, w.Name, mode, layout, settings.ThreadCount, tokens, padded, times),
                    w.Flops(tokens, train), allocated, gen0);
                results.Add(m);
                onMeasured?.Invoke(m);
            }
            (model as IDisposable)?.Dispose();
        }
        return results;
    }

    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, then <paramref name="iters"/> times
    /// each under its own stopwatch; returns the times in ms, the managed bytes allocated per timed step and the
    /// gen-0 collections during the timed steps.
    /// </summary>
    public static (double[] TimesMs, double AllocatedBytesPerStep, int Gen0Collections) Time(Action step, int warmup, int iters)
    {
        for (int i = 0; i < warmup; i++) step();
        var times = new double[iters];
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0);
        for (int i = 0; i < iters; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return (times, (double)allocated / iters, GC.CollectionCount(0) - gen0);
    }
}
