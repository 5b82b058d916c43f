using System.Globalization;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using SeqPack.Training;
using Spectre.Console;

namespace SeqPack.Cli.Commands;

/// <summary>
/// Shows <c>seqpack train --search N</c>: a line per configuration as it ends, the table of all of them with the
/// kept one marked, and the kept run's test score. The search itself is <see cref="ConfigurationSearch"/>.
/// </summary>
internal sealed class SearchReport(IAnsiConsole console)
{
    /// <summary>Runs the search into <paramref name="runDir"/>; returns the exit code.</summary>
    public int Run(TrainSettings settings, string runDir, int count, CancellationToken interrupt)
    {
        var (main, dev, test) = TrainData.Read(settings);
        var options = TrainData.Options(settings);
        bool classify = main.Task == TaskKind.Classify;
        string metric = classify ? "macro-F1" : "accuracy";
        console.MarkupLine($"[bold]Searching[/] {count} configurations on {Markup.Escape(Path.GetFileName(main.File))}, " +
            $"each with {(options.ResolvedTimeBudgetSeconds is double b ? TrainReport.Duration(b / count) : "no time limit")}; kept: the best dev {metric}.");
        console.MarkupLine($"  Run folder: {Markup.Escape(runDir)}");
        SearchResult result;
        try
        {
            result = ConfigurationSearch.Run(options, main, dev, test, runDir, count,
                new TrainReport.SyncProgress<SearchTrial>(t => console.MarkupLine(Markup.Escape(Line(t, metric)))), interrupt);
        }
        catch (ArgumentException e)
        {
            throw new CliException(CliException.Strip(e));
        }
        if (result.Result.Outcome == TrainingOutcome.Interrupted)
        {
            console.MarkupLine("[yellow]Interrupted[/]: a search cannot be resumed; nothing was kept. Start it again.");
            return ExitCodes.Interrupted;
        }
        var table = new Table().Title("Configurations tried").AddColumns("trial", "cell", "embedding", "hidden", "dropout", "lr", "epochs", $"dev {metric}", "time", "");
        foreach (var t in result.Trials)
        {
            var c = t.Candidate;
            table.AddRow(I(t.Index), c.Cell, I(c.EmbeddingDim), I(c.HiddenSize), F(c.Dropout, "0.##"), F(c.Lr, "G3"), I(t.Epochs),
                F(t.DevScore, "0.0000"), TrainReport.Duration(t.Seconds), t.Index == result.Chosen + 1 ? "[green]kept[/]" : "");
        }
        console.Write(table);
        if (result.Result.Test is ClassMetrics m)
        {
            var labels = new LabelSet(RunConfig.Load(runDir).Labels);
            console.MarkupLine($"[bold]Test[/] of trial {result.Chosen + 1}: {Markup.Escape(TrainReport.Summary(m, labels, classify))}");
        }
        console.MarkupLine($"Run folder: [bold]{Markup.Escape(runDir)}[/] (the kept run, and {ConfigurationSearch.TableFileName})");
        return 0;
    }

    private static string Line(SearchTrial t, string metric)
    {
        var c = t.Candidate;
        return string.Create(CultureInfo.InvariantCulture,
            $"trial {t.Index,2}  {c.Cell} embedding {c.EmbeddingDim} hidden {c.HiddenSize} dropout {c.Dropout:0.##} lr {c.Lr:G3}: " +
            $"dev {metric} {t.DevScore:0.0000} at epoch {t.BestEpoch} of {t.Epochs}, {TrainReport.Duration(t.Seconds)}");
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
