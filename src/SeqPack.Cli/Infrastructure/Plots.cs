using ScottPlot;

namespace SeqPack.Cli.Infrastructure;

/// <summary>
/// The PNG plots of a run (ScottPlot): a length histogram and per-epoch curves. ScottPlot draws through SkiaSharp's
/// native library, which the tool carries only for the mainstream platforms (see SeqPack.Cli.csproj); where it
/// cannot be loaded the plot is skipped with a note on stderr and the command goes on.
/// </summary>
internal static class Plots
{
    /// <summary>Histogram of <paramref name="lengths"/> in about 40 equal-width bins.</summary>
    public static void LengthHistogram(IReadOnlyList<int> lengths, string path, string title, string unit) =>
        Draw(path, () => DrawHistogram(lengths, path, title, unit));

    /// <summary>One line per named series against the epoch number (1-based).</summary>
    public static void Curves(string path, string title, string yLabel, params (string Name, IReadOnlyList<double> Values)[] series) =>
        Draw(path, () => DrawCurves(path, title, yLabel, series));

    private static void Draw(string path, Action draw)
    {
        try
        {
            draw();
        }
        catch (Exception e) when (e is DllNotFoundException || e.InnerException is DllNotFoundException)
        {
            Console.Error.WriteLine($"note: {Path.GetFileName(path)} not drawn: the plotting library has no native code for this platform.");
        }
    }

    private static void DrawHistogram(IReadOnlyList<int> lengths, string path, string title, string unit)
    {
        int max = lengths.Count == 0 ? 1 : lengths.Max();
        int width = Math.Max(1, (int)Math.Ceiling(max / 40.0));
        int bins = max / width + 1;
        var counts = new double[bins];
        foreach (int n in lengths) counts[n / width]++;
        var plot = new Plot();
        var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => b * width + width / 2.0).ToArray(), counts);
        foreach (var bar in bars.Bars) bar.Size = width * 0.9;
        plot.Title(title);
        plot.XLabel($"length ({unit})");
        plot.YLabel("sequences");
        plot.Axes.Margins(bottom: 0);
        Save(plot, path);
    }

    /// <summary>Writes the PNG beside <paramref name="path"/> and renames it over it, so a stopped run never leaves half an image.</summary>
    private static void Save(Plot plot, string path)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp.png");
        try
        {
            plot.SavePng(temp, 800, 450);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static void DrawCurves(string path, string title, string yLabel, (string Name, IReadOnlyList<double> Values)[] series)
    {
        var plot = new Plot();
        foreach (var (name, values) in series)
        {
            if (values.Count == 0) continue;
            var line = plot.Add.Scatter(Enumerable.Range(1, values.Count).Select(i => (double)i).ToArray(), values.ToArray());
            line.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend();
        Save(plot, path);
    }
}
