using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using SeqPack.IO;
using SeqPack.Optim;
using Spectre.Console;

namespace SeqPack.Cli.Training;

/// <summary>
/// The training loop of <c>seqpack train</c>: length-bucketed packed batches, Adam with gradient clipping,
/// per-epoch evaluation on dev with early stopping, the best weights saved as model.safetensors, a checkpoint
/// after every epoch and on interruption, metrics.jsonl, plots and the final test score.
/// </summary>
internal sealed class Trainer(IAnsiConsole console)
{
    public const int InterruptedExitCode = ExitCodes.Interrupted;
    private const ulong WordDropoutSalt = 0xD1B54A32D192ED03UL;

    /// <summary>Where the run folder's files are written; tests stop writes here as a crash would.</summary>
    internal FileOps Files { get; init; } = FileOps.Real;

    /// <summary>Test hook: called after each optimiser step with the model and the number of steps this process took.</summary>
    internal Action<TaskModel, int>? AfterStep { get; init; }

    /// <summary>Trains until the epochs run out, early stopping or an interruption; returns the exit code.</summary>
    public int Run(RunData data, string runDir, bool resume, int? stopAfterSteps, CancellationToken interrupt)
    {
        var cfg = data.Config.Training;
        var model = new TaskModel(data.Config);
        var optimizer = new Adam(model.Module.Parameters(), cfg.Lr, weightDecay: cfg.WeightDecay);
        var wordRng = new Rng(cfg.Seed ^ WordDropoutSalt);
        var generators = model.Generators.Append(wordRng).ToArray();
        var state = resume ? Checkpoint.Load(runDir, model, optimizer, generators) : new RunState();

        bool classify = model.Task == TaskKind.Classify;
        var lengths = data.Train.Select(e => e.Length).ToArray();
        if (MemoryBudget.Check(lengths, data.Config.Model, cfg, MemoryBudget.Available()) is string tooLong) throw new CliException(tooLong);
        var batcher = new LengthBatcher(cfg.BatchSize, cfg.TokenBudget);
        Header(data, model, runDir, resume, state, lengths, batcher);

        int stepsThisProcess = 0;
        var clock = Stopwatch.StartNew();
        double secondsBefore = state.Seconds, cpuBefore = state.CpuSeconds;
        var cpuStart = CpuTime();
        for (int epoch = state.Epoch; epoch < cfg.Epochs; epoch++)
        {
            var batches = batcher.Bucketed(lengths, new Rng(cfg.Seed * 0x9E3779B97F4A7C15UL + (ulong)epoch));
            var epochClock = Stopwatch.StartNew();
            var epochCpu = CpuTime();
            long tokens = 0;
            int step = state.Step;
            bool interrupted = false;
            Progress().Start(ctx =>
            {
                var task = ctx.AddTask(Describe(epoch, cfg.Epochs, double.NaN, 0), maxValue: batches.Count);
                task.Value = step;
                for (; step < batches.Count; step++)
                {
                    if (interrupt.IsCancellationRequested || stepsThisProcess == stopAfterSteps) { interrupted = true; return; }
                    var batch = batches[step].Select(i => Prepare(data.Train[i], cfg, data.Encoder.IdsPerStep, wordRng)).ToArray();
                    if (cfg.Cosine) SetLearningRate(optimizer, CosineLr(cfg.Lr, epoch * batches.Count + step, cfg.Epochs * batches.Count));
                    var (loss, steps) = model.Loss(batch);
                    float lossValue = loss.Item();
                    if (!float.IsFinite(lossValue)) throw Diverged($"the training loss became {lossValue}", epoch, step, state, cfg);
                    optimizer.ZeroGrad();
                    loss.Backward();
                    if (cfg.Clip > 0) GradClip.ClipGradNorm(model.Module.Parameters(), cfg.Clip);
                    optimizer.Step();
                    AfterStep?.Invoke(model, stepsThisProcess + 1);
                    state.TrainLossSum += lossValue;
                    state.TrainLossCount++;
                    tokens += steps;
                    stepsThisProcess++;
                    task.Increment(1);
                    task.Description = Describe(epoch, cfg.Epochs, state.TrainLossSum / state.TrainLossCount, tokens / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds));
                }
            });
            state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
            state.CpuSeconds = cpuBefore + (CpuTime() - cpuStart).TotalSeconds;
            if (NonFinite(model) is string bad) throw Diverged($"the weight '{bad}' became non-finite", epoch, step, state, cfg);
            if (interrupted)
            {
                state.Epoch = epoch;
                state.Step = step;
                Checkpoint.Save(runDir, model, optimizer, state, generators, Files);
                console.MarkupLine($"[yellow]Interrupted[/] in epoch {epoch + 1} at batch {step}/{batches.Count}; checkpoint saved in {Markup.Escape(Checkpoint.PathOf(runDir))}.");
                console.MarkupLine($"Continue with: [bold]seqpack train --resume {Markup.Escape(runDir)}[/]");
                return InterruptedExitCode;
            }

            var (devLoss, dev) = model.Evaluate(data.Dev);
            var row = new EpochMetrics(epoch + 1, state.TrainLossSum / Math.Max(1, state.TrainLossCount), devLoss, dev.Accuracy, dev.MacroF1,
                classify ? data.Labels.Labels.Select((l, i) => (l, dev.F1[i])).ToDictionary(p => p.l, p => Math.Round(p.Item2, 6)) : [],
                epochClock.Elapsed.TotalSeconds, tokens / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), (CpuTime() - epochCpu).TotalSeconds);
            state.History.Add(row);
            double score = classify ? dev.MacroF1 : dev.Accuracy;
            bool better = score > state.BestScore;
            if (better)
            {
                state.BestScore = score;
                state.BestEpoch = epoch + 1;
                state.BadEpochs = 0;
                WeightFiles.Save(Path.Combine(runDir, "model.safetensors"), model.Module.StateDict(), Files);
            }
            else state.BadEpochs++;
            state.Epoch = epoch + 1;
            state.Step = 0;
            state.TrainLossSum = 0;
            state.TrainLossCount = 0;
            Checkpoint.Save(runDir, model, optimizer, state, generators, Files);
            WriteMetrics(runDir, state.History, null);
            console.MarkupLine(EpochLine(row, classify, data.Labels, better));
            if (state.BadEpochs >= cfg.Patience)
            {
                console.MarkupLine($"Early stop: no better dev {(classify ? "macro-F1" : "accuracy")} for {cfg.Patience} epochs; keeping epoch {state.BestEpoch}.");
                break;
            }
        }
        return Finish(data, model, runDir, state, lengths, optimizer, generators);
    }

    private int Finish(RunData data, TaskModel model, string runDir, RunState state, int[] lengths, Optimizer optimizer, Rng[] generators)
    {
        bool classify = model.Task == TaskKind.Classify;
        model.Module.LoadStateDict(WeightFiles.Load(Path.Combine(runDir, "model.safetensors")));
        console.Write(HistoryTable(state.History, classify, data.Labels));
        Dictionary<string, object>? testLine = null;
        if (data.Test.Length > 0)
        {
            var (testLoss, test) = model.Evaluate(data.Test);
            testLine = TestLine(test, testLoss, data.Labels, classify, data.Test.Length);
            console.MarkupLine($"[bold]Test[/] ({data.Test.Length} {(classify ? "examples" : "sentences")}, best epoch {state.BestEpoch}): " +
                Markup.Escape(Summary(test, data.Labels, classify)));
        }
        WriteMetrics(runDir, state.History, testLine);
        Plots.Curves(Path.Combine(runDir, "loss.png"), "Loss per epoch", "cross-entropy",
            ("train", state.History.Select(h => h.TrainLoss).ToList()), ("dev", state.History.Select(h => h.DevLoss).ToList()));
        Plots.Curves(Path.Combine(runDir, "accuracy.png"), "Dev accuracy per epoch", "accuracy",
            ("accuracy", state.History.Select(h => h.DevAccuracy).ToList()), ("macro-F1", state.History.Select(h => h.DevMacroF1).ToList()));
        Plots.LengthHistogram(lengths, Path.Combine(runDir, "lengths.png"), "Training lengths", classify ? data.Config.Tokenizer : "tokens");
        state.Finished = true;
        Checkpoint.Save(runDir, model, optimizer, state, generators, Files);
        console.MarkupLine($"Trained in {Duration(state.Seconds)} ({Duration(state.CpuSeconds)} of processor time). Run folder: [bold]{Markup.Escape(runDir)}[/] (model.safetensors, config.json, metrics.jsonl, loss.png, accuracy.png, lengths.png)");
        return 0;
    }

    /// <summary>
    /// Cosine decay per optimiser step (Loshchilov and Hutter 2017, SGDR, without restarts):
    /// <c>lr_t = lr · (1 + cos(π·t/T)) / 2</c> over all T steps of the planned epochs, so late epochs take small,
    /// stable steps; a function of the position only, hence the same after --resume.
    /// </summary>
    internal static float CosineLr(float lr, long step, long total) =>
        (float)(lr * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, total) / Math.Max(1, total))));

    private static void SetLearningRate(Optimizer optimizer, float lr)
    {
        foreach (var group in optimizer.ParamGroups) group.Lr = lr;
    }

    /// <summary>Applies --max-length and word dropout (the word id of a token becomes &lt;unk&gt;) to a training example.</summary>
    private static Encoded Prepare(Encoded e, TrainingConfig cfg, int idsPerStep, Rng wordRng)
    {
        var ids = e.Ids;
        var tags = e.Tags;
        int length = e.Length;
        if (cfg.MaxLength is int max && length > max)
        {
            length = max;
            ids = ids[..(max * idsPerStep)];
            tags = tags?[..max];
        }
        if (cfg.WordDropout > 0)
        {
            ids = (int[])ids.Clone();
            for (int t = 0; t < length; t++)
                if (wordRng.NextFloat() < cfg.WordDropout) ids[t * idsPerStep] = Vocabulary.UnkId;
        }
        return ReferenceEquals(ids, e.Ids) ? e : new Encoded(ids, length, e.Label, tags);
    }

    private void Header(RunData data, TaskModel model, string runDir, bool resume, RunState state, int[] lengths, LengthBatcher batcher)
    {
        var cfg = data.Config;
        string what = model.Task == TaskKind.Classify ? $"{cfg.Labels.Count} classes ({string.Join(", ", cfg.Labels.Take(8))}{(cfg.Labels.Count > 8 ? ", …" : "")})" : $"{cfg.Labels.Count} tags";
        console.MarkupLine($"[bold]{(resume ? "Resuming" : "Training")}[/] a {(cfg.Model.Bidirectional ? "bi" : "")}{cfg.Model.Cell.ToUpperInvariant()} " +
            $"{(model.Task == TaskKind.Classify ? "classifier" : "tagger")} on {Markup.Escape(data.Source)}: {what}");
        console.MarkupLine($"  {data.Train.Length} train / {data.Dev.Length} dev / {data.Test.Length} test, vocabulary {cfg.Vocabulary.Count} " +
            $"({(model.Task == TaskKind.Classify ? cfg.Tokenizer : "words")}{(cfg.Features ? " + suffix and shape features" : "")}), {model.Module.ParameterCount():N0} parameters, {Compute.Threads} threads" +
            (data.SkippedRows > 0 ? $", [yellow]{data.SkippedRows} malformed rows skipped[/]" : ""));
        var random = PaddingReport.Of(lengths, batcher.Random(lengths, new Rng(cfg.Training.Seed)));
        var bucketed = PaddingReport.Of(lengths, batcher.Bucketed(lengths, new Rng(cfg.Training.Seed)));
        console.MarkupLine($"  Batches of {cfg.Training.BatchSize}: {random} per epoch (random batches); bucketed batches would still pad {bucketed.WasteFraction * 100:0}%.");
        if (resume) console.MarkupLine($"  Continuing at epoch {state.Epoch + 1}, batch {state.Step}.");
        console.MarkupLine($"  Run folder: {Markup.Escape(runDir)}");
    }

    private Progress Progress() => console.Progress().AutoClear(true).HideCompleted(true).Columns(
        new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    private static string Describe(int epoch, int epochs, double loss, double tokensPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}/{epochs}  loss {(double.IsNaN(loss) ? "-" : loss.ToString("0.0000", CultureInfo.InvariantCulture))}  {PaddingReport.Human((long)tokensPerSecond)} tok/s");

    private static string EpochLine(EpochMetrics m, bool classify, LabelSet labels, bool better)
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

    internal static Dictionary<string, object> TestLine(ClassMetrics m, double loss, LabelSet labels, bool classify, int examples)
    {
        var line = new Dictionary<string, object> { ["split"] = "test", ["accuracy"] = Math.Round(m.Accuracy, 6), ["loss"] = Math.Round(loss, 6) };
        if (classify)
        {
            line["macro_f1"] = Math.Round(m.MacroF1, 6);
            line["f1"] = labels.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => Math.Round(m.F1[p.i], 6));
        }
        line[classify ? "examples" : "tokens"] = m.Count;
        if (!classify) line["sentences"] = examples;
        return line;
    }

    internal static string Summary(ClassMetrics m, LabelSet labels, bool classify) => classify
        ? string.Create(CultureInfo.InvariantCulture, $"accuracy {m.Accuracy * 100:0.00}%, macro-F1 {m.MacroF1:0.0000}, F1 ") +
          string.Join(", ", labels.Labels.Select((l, i) => string.Create(CultureInfo.InvariantCulture, $"{l} {m.F1[i]:0.0000}")).Take(10))
        : string.Create(CultureInfo.InvariantCulture, $"token accuracy {m.Accuracy * 100:0.00}% ({m.Count} tokens), macro-F1 over tags {m.MacroF1:0.0000}");

    private void WriteMetrics(string runDir, List<EpochMetrics> history, Dictionary<string, object>? test)
    {
        var lines = history.Select(h => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["epoch"] = h.Epoch, ["split"] = "dev", ["train_loss"] = Math.Round(h.TrainLoss, 6), ["loss"] = Math.Round(h.DevLoss, 6),
            ["accuracy"] = Math.Round(h.DevAccuracy, 6), ["macro_f1"] = Math.Round(h.DevMacroF1, 6), ["f1"] = h.DevF1,
            ["seconds"] = Math.Round(h.Seconds, 2), ["cpu_seconds"] = Math.Round(h.CpuSeconds, 2), ["tokens_per_second"] = Math.Round(h.TokensPerSecond),
        })).ToList();
        if (test is not null) lines.Add(JsonSerializer.Serialize(test));
        AtomicFile.WriteText(Path.Combine(runDir, "metrics.jsonl"), string.Concat(lines.Select(l => l + "\n")), Files);
    }

    /// <summary>
    /// The error that stops a diverged run. Nothing is written after divergence, so the last checkpoint and the best
    /// model stay as they were (from before the step that diverged).
    /// </summary>
    private static CliException Diverged(string what, int epoch, int step, RunState state, TrainingConfig cfg) =>
        new($"training diverged: {what} in epoch {epoch + 1} at batch {step + 1}; the last good checkpoint " +
            $"({(state.Epoch > 0 || state.Step > 0 ? $"epoch {state.Epoch}, batch {state.Step}" : "none yet")}) and the best model " +
            $"({(state.BestEpoch > 0 ? $"epoch {state.BestEpoch}" : "none yet")}) are kept; start a new run with a lower --lr (now {cfg.Lr.ToString(CultureInfo.InvariantCulture)})" +
            (cfg.Clip > 0 ? "" : " or with --clip") + ".");

    /// <summary>The name of the first parameter holding NaN or an infinity, or null.</summary>
    private static string? NonFinite(TaskModel model)
    {
        foreach (var (name, p) in model.Module.NamedParameters())
            foreach (float v in p.AsSpan())
                if (!float.IsFinite(v)) return name;
        return null;
    }

    /// <summary>Processor time of this process (all threads): the cost of training on a machine that others share.</summary>
    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    private static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);
    private static string P(double x) => (x * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
    internal static string Duration(double seconds) => seconds < 60 ? $"{seconds:0.0}s" : $"{(int)(seconds / 60)}m{seconds % 60:00}s";
}
