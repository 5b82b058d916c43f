using ScottPlot;

namespace SeqPack.Cli.Commands;

/// <summary>
/// The PNG chart of <c>seqpack bench --chart</c>: real tokens per second (log scale) by workload and layout,
/// one panel per mode, one bar per implementation and layout (SeqPack's, and PyTorch's with --compare).
/// </summary>
internal static class BenchChart
{
    /// <summary>One bar series: an implementation's layout.</summary>
    internal sealed record Series(string Label, string Impl, string Layout, Color Color);

    /// <summary>
    /// The series to draw: SeqPack padded and packed, then PyTorch's padded and packed when
    /// <paramref name="peer"/> has lines; only layouts that occur in the records.
    /// </summary>
    internal static List<Series> SeriesOf(IReadOnlyList<BenchRecord> ours, IReadOnlyList<BenchRecord> peer)
    {
        var palette = new[]
        {
            Color.FromHex("#9ecae1"), Color.FromHex("#08519c"),   // SeqPack padded, packed
            Color.FromHex("#fdae6b"), Color.FromHex("#a63603"),   // PyTorch padded, packed
        };
        var series = new List<Series>();
        foreach (var (records, name, offset) in new[] { (ours, "SeqPack", 0), (peer, "PyTorch", 2) })
        {
            if (records.Count == 0) continue;
            string impl = records[0].Impl;
            foreach (var (layout, i) in new[] { ("padded", 0), ("packed", 1) })
                if (records.Any(r => r.Layout == layout))
                    series.Add(new Series($"{name} {layout}", impl, layout, palette[offset + i]));
        }
        return series;
    }

    /// <summary>
    /// Writes the chart to <paramref name="path"/>. Peer lines are used only where their threads match
    /// SeqPack's run and their workload and mode were run by SeqPack too.
    /// </summary>
    public static void Write(string path, IReadOnlyList<BenchRecord> ours, IReadOnlyList<BenchRecord>? peerLines)
    {
        var peer = (peerLines ?? [])
            .Where(p => ours.Any(o => o.Workload == p.Workload && o.Mode == p.Mode && o.Threads == p.Threads))
            .ToList();
        var all = ours.Concat(peer).ToList();
        var series = SeriesOf(ours, peer);
        var workloads = ours.Select(r => r.Workload).Distinct().ToList();
        var modes = ours.Select(r => r.Mode).Distinct().ToList();
        double floor = Math.Floor(Math.Log10(Math.Max(1, all.Min(r => r.TokensPerSecond))));
        double ceiling = Math.Ceiling(Math.Log10(Math.Max(10, all.Max(r => r.TokensPerSecond))) + 0.15);
        int threads = ours[0].Threads;

        var multiplot = new Multiplot();   // starts with one plot: the first mode's panel
        for (int m = 0; m < modes.Count; m++)
        {
            string mode = modes[m];
            var plot = m == 0 ? multiplot.GetPlot(0) : multiplot.AddPlot();
            var bars = new List<Bar>();
            for (int w = 0; w < workloads.Count; w++)
            for (int s = 0; s < series.Count; s++)
            {
                var r = Find(all, series[s], workloads[w], mode);
                if (r is null) continue;
                bars.Add(new Bar
                {
                    Position = w * (series.Count + 1) + s,
                    Value = Math.Log10(r.TokensPerSecond),
                    ValueBase = floor,
                    FillColor = series[s].Color,
                    Label = Compact(r.TokensPerSecond),
                });
            }
            var barPlot = plot.Add.Bars(bars);
            barPlot.ValueLabelStyle.FontSize = 11;
            double center = (series.Count - 1) / 2.0;
            plot.Axes.Bottom.SetTicks(
                workloads.Select((_, w) => w * (series.Count + 1) + center).ToArray(), workloads.ToArray());
            var ticks = Enumerable.Range((int)floor, (int)(ceiling - floor) + 1).ToArray();
            plot.Axes.Left.SetTicks(ticks.Select(t => (double)t).ToArray(), ticks.Select(t => Compact(Math.Pow(10, t))).ToArray());
            plot.Axes.SetLimitsY(floor, ceiling);
            plot.Axes.SetLimitsX(-1, workloads.Count * (series.Count + 1) - 1);
            plot.Title($"{mode}: real tokens per second ({threads} threads, log scale, higher is better)");
            plot.YLabel("tokens/s");
            plot.Legend.ManualItems.AddRange(series.Select(s => new LegendItem { LabelText = s.Label, FillColor = s.Color }));
            plot.Legend.Alignment = Alignment.UpperRight;
            plot.ShowLegend();
        }
        multiplot.SavePng(path, 1000, 380 * modes.Count);
    }

    private static BenchRecord? Find(List<BenchRecord> all, Series s, string workload, string mode) =>
        all.LastOrDefault(r => r.Impl == s.Impl && r.Layout == s.Layout && r.Workload == workload && r.Mode == mode);

    private static string Compact(double v) => v switch
    {
        >= 1e6 => $"{v / 1e6:0.#}M",
        >= 1e3 => $"{v / 1e3:0.#}k",
        _ => $"{v:0}",
    };
}
