using System.Globalization;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using SeqPack.Distributed;
using SeqPack.Training;
using Spectre.Console;

namespace SeqPack.Cli.Commands;

/// <summary>
/// Runs a <see cref="Trainer"/> for <c>seqpack train</c> and shows it: the header, a progress bar per epoch
/// from the step reports, a line per epoch, the history table, the test score, the plots and how to resume.
/// </summary>
internal sealed class TrainReport(IAnsiConsole console, Communicator? world = null)
{
    public const int InterruptedExitCode = 130;

    /// <summary>Trains until the epochs run out, early stopping or an interruption; returns the exit code.</summary>
    public int Run(RunData data, string runDir, bool resume, int? stopAfterSteps, CancellationToken interrupt)
    {
        Trainer trainer;
        ProgressTask? task = null;
        int taskEpoch = -1;
        ProgressContext? context = null;
        var steps = new SyncProgress<StepReport>(r =>
        {
            if (context is null) return;
            if (r.Epoch != taskEpoch)
            {
                task?.StopTask();
                task = context.AddTask(Describe(r.Epoch, r.Epochs, double.NaN, 0), maxValue: r.Steps);
                task.Value = r.Step - 1;
                taskEpoch = r.Epoch;
            }
            task!.Value = r.Step;
            task.Description = Describe(r.Epoch, r.Epochs, r.MeanLoss, r.TokensPerSecond);
        });
        try
        {
            trainer = resume ? Trainer.Resume(data, runDir, world) : Trainer.Create(data, runDir, world);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(CliException.Strip(e), ExitCodes.Data);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new CliException(CliException.Strip(e));
        }
        bool classify = trainer.Model.Task == TaskKind.Classify;
        var state = trainer.State;
        trainer.StepProgress = steps;
        trainer.EpochProgress = new SyncProgress<EpochMetrics>(m => console.MarkupLine(EpochLine(m, classify, better: state.BestEpoch == m.Epoch)));
        trainer.StopAfterSteps = stopAfterSteps;
        Header(data, trainer, runDir, resume);
        TrainingResult result = null!;
        Progress().Start(ctx =>
        {
            context = ctx;
            result = trainer.Run(interrupt);
            task?.StopTask();
            context = null;
        });
        if (result.Outcome == TrainingOutcome.Interrupted)
        {
            console.MarkupLine($"[yellow]Interrupted[/] in epoch {result.Epoch + 1} at batch {result.Step}/{result.Steps}; checkpoint saved in {Markup.Escape(Checkpoint.PathOf(runDir))}.");
            console.MarkupLine($"Continue with: [bold]seqpack train --resume {Markup.Escape(runDir)}[/]");
            return InterruptedExitCode;
        }
        if (result.Outcome == TrainingOutcome.Completed && state.Plateau is { AnnealEpochs: > 0 } plan)
            console.MarkupLine($"Final decay over epochs {plan.AnnealStart + 1}-{plan.AnnealStart + plan.AnnealEpochs} " +
                $"({(plan.AnnealEpochs < plan.AnnealStart ? "shortened to fit the time budget" : "dev had stopped improving")}); keeping epoch {state.BestEpoch}.");
        if (result.Outcome == TrainingOutcome.EarlyStopped)
            console.MarkupLine($"Early stop: no better dev {(classify ? "macro-F1" : "accuracy")} for {data.Config.Training.Patience} epochs; keeping epoch {state.BestEpoch}.");
        if (result.Outcome == TrainingOutcome.BudgetReached)
            console.MarkupLine($"Time budget: another epoch would end after {Duration(data.Config.Training.TimeBudgetSeconds ?? 0)}; keeping epoch {state.BestEpoch} (--time-budget sets it).");
        console.Write(HistoryTable(state.History, classify, data.Labels));
        if (result.Test is ClassMetrics test)
            console.MarkupLine($"[bold]Test[/] ({data.Test.Length} {(classify ? "examples" : "sentences")}, best epoch {state.BestEpoch}): " +
                Markup.Escape(Summary(test, data.Labels, classify)));
        if (world is { IsRoot: false }) return 0;   // rank 0 alone writes the run folder
        Plots.Curves(Path.Combine(runDir, "loss.png"), "Loss per epoch", "cross-entropy",
            ("train", state.History.Select(h => h.TrainLoss).ToList()), ("dev", state.History.Select(h => h.DevLoss).ToList()));
        Plots.Curves(Path.Combine(runDir, "accuracy.png"), "Dev accuracy per epoch", "accuracy",
            ("accuracy", state.History.Select(h => h.DevAccuracy).ToList()), ("macro-F1", state.History.Select(h => h.DevMacroF1).ToList()));
        Plots.LengthHistogram(trainer.Lengths, Path.Combine(runDir, "lengths.png"), "Training lengths", classify ? data.Config.Tokenizer : "tokens");
        console.MarkupLine($"Trained in {Duration(state.Seconds)} ({Duration(state.CpuSeconds)} of processor time). Run folder: [bold]{Markup.Escape(runDir)}[/] (model.safetensors, config.json, {(data.Config.TokenizerFiles is null ? "" : "tokenizer/, ")}metrics.jsonl, loss.png, accuracy.png, lengths.png)");
        return 0;
    }

    private void Header(RunData data, Trainer trainer, string runDir, bool resume)
    {
        var cfg = data.Config;
        var state = trainer.State;
        bool classify = trainer.Model.Task == TaskKind.Classify;
        string what = classify ? $"{cfg.Labels.Count} classes ({string.Join(", ", cfg.Labels.Take(8))}{(cfg.Labels.Count > 8 ? ", …" : "")})" : $"{cfg.Labels.Count} tags";
        console.MarkupLine($"[bold]{(resume ? "Resuming" : "Training")}[/] a {(cfg.Model.Bidirectional ? "bi" : "")}{cfg.Model.Cell.ToUpperInvariant()} " +
            $"{(classify ? "classifier" : "tagger")} on {Markup.Escape(data.Source)}: {what}");
        console.MarkupLine($"  {data.Train.Length} train / {data.Dev.Length} dev / {data.Test.Length} test, vocabulary {cfg.Vocabulary.Count} " +
            $"({(classify ? cfg.Tokenizer : "words")}{(cfg.Features ? " + suffix and shape features" : "")}), {trainer.Model.Network.ParameterCount():N0} parameters, {Compute.Threads} threads" +
            (world is { Size: > 1 } ? $" × {world.Size} ranks (batches of {cfg.Training.BatchSize} split across them)" : "") +
            (data.SkippedRows > 0 ? $", [yellow]{data.SkippedRows} malformed rows skipped[/]" : ""));
        var random = PaddingReport.Of(trainer.Lengths, trainer.Batcher.Random(trainer.Lengths, new Rng(cfg.Training.Seed)));
        var bucketed = PaddingReport.Of(trainer.Lengths, trainer.Batcher.Bucketed(trainer.Lengths, new Rng(cfg.Training.Seed)));
        console.MarkupLine($"  Batches of {cfg.Training.BatchSize}: {random} per epoch (random batches); bucketed batches would still pad {bucketed.WasteFraction * 100:0}%.");
        var m = cfg.Model;
        var t = cfg.Training;
        string schedule = t.EffectiveSchedule switch
        {
            TrainingOptions.PlateauSchedule => $"at rate {t.Lr:G3} until dev stops improving, then a cosine decay as long again",
            TrainingOptions.CosineSchedule => $"{t.Epochs} epochs, rate {t.Lr:G3} with cosine decay",
            _ => $"{t.Epochs} epochs at rate {t.Lr:G3}",
        };
        console.MarkupLine($"  Model: embedding {m.EmbeddingDim}, hidden {m.HiddenSize}{(m.Bidirectional ? " per direction" : "")}, {m.NumLayers} layer{(m.NumLayers > 1 ? "s" : "")}, dropout {m.Dropout:0.##}{(m.Pooling is string p ? $", pooling {p}" : "")}; " +
            $"training {Markup.Escape(schedule)}{(t.TimeBudgetSeconds is double b ? $", time budget {Duration(b)}" : "")}.");
        if (resume) console.MarkupLine($"  Continuing at epoch {state.Epoch + 1}, batch {state.Step}.");
        console.MarkupLine($"  Run folder: {Markup.Escape(runDir)}");
    }

    private Progress Progress() => console.Progress().AutoClear(true).HideCompleted(true).Columns(
        new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    private static string Describe(int epoch, int epochs, double loss, double tokensPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}{(epochs > 0 ? $"/{epochs}" : "")}  loss {(double.IsNaN(loss) ? "-" : loss.ToString("0.0000", CultureInfo.InvariantCulture))}  {PaddingReport.Human((long)tokensPerSecond)} tok/s");

    private static string EpochLine(EpochMetrics m, bool classify, bool better)
    {
        var s = string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch,2}  train loss {m.TrainLoss:0.0000}  dev loss {m.DevLoss:0.0000}  dev acc {m.DevAccuracy * 100:0.00}%");
        if (classify)
            s += string.Create(CultureInfo.InvariantCulture, $"  macro-F1 {m.DevMacroF1:0.0000}  F1 ") +
                 string.Join(" ", m.DevF1.Take(6).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.000}")));
        s += string.Create(CultureInfo.InvariantCulture, $"  {m.Seconds:0}s  {PaddingReport.Human((long)m.TokensPerSecond)} tok/s");
        return Markup.Escape(s) + (better ? " [green]*[/]" : "");
    }

    private static Table HistoryTable(List<EpochMetrics> history, bool classify, LabelSet labels)
    {
        var table = new Table().Title("Per-epoch dev metrics").AddColumns("epoch", "train loss", "dev loss", classify ? "accuracy" : "token accuracy");
        var shown = classify ? labels.Labels.Take(6).ToList() : [];
        if (classify) { table.AddColumn("macro-F1"); foreach (var l in shown) table.AddColumn("F1 " + Markup.Escape(l)); }
        table.AddColumns("seconds", "CPU s", "tokens/s");
        foreach (var m in history)
        {
            var cells = new List<string> { m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.TrainLoss), F(m.DevLoss), P(m.DevAccuracy) };
            if (classify) { cells.Add(F(m.DevMacroF1)); cells.AddRange(shown.Select(l => F(m.DevF1.GetValueOrDefault(l)))); }
            cells.Add(m.Seconds.ToString("0", CultureInfo.InvariantCulture));
            cells.Add(m.CpuSeconds.ToString("0", CultureInfo.InvariantCulture));
            cells.Add(PaddingReport.Human((long)m.TokensPerSecond));
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    internal static string Summary(ClassMetrics m, LabelSet labels, bool classify) => classify
        ? string.Create(CultureInfo.InvariantCulture, $"accuracy {m.Accuracy * 100:0.00}%, macro-F1 {m.MacroF1:0.0000}, F1 ") +
          string.Join(", ", labels.Labels.Select((l, i) => string.Create(CultureInfo.InvariantCulture, $"{l} {m.F1[i]:0.0000}")).Take(10))
        : string.Create(CultureInfo.InvariantCulture, $"token accuracy {m.Accuracy * 100:0.00}% ({m.Count} tokens), macro-F1 over tags {m.MacroF1:0.0000}");

    private static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);
    private static string P(double x) => (x * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
    internal static string Duration(double seconds) => seconds < 60 ? $"{seconds:0.0}s" : $"{(int)(seconds / 60)}m{seconds % 60:00}s";

    /// <summary>An <see cref="IProgress{T}"/> that handles each report at once on the reporting thread.</summary>
    internal sealed class SyncProgress<T>(Action<T> handle) : IProgress<T>
    {
        public void Report(T value) => handle(value);
    }
}
