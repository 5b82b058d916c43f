using System.Diagnostics;
using System.Text.Json;
using SeqPack.Data;
using SeqPack.Distributed;
using SeqPack.IO;
using SeqPack.Optim;

namespace SeqPack.Training;

/// <summary>
/// The training loop behind <c>seqpack train</c>: length-bucketed packed batches, Adam with gradient clipping
/// and a per-step schedule (a cosine over fixed epochs, or the <see cref="TrainingOptions.PlateauSchedule"/> within
/// a time budget), per-epoch evaluation on dev with early stopping, the best weights saved as
/// model.safetensors, a checkpoint after every epoch and on cancellation, metrics.jsonl, and the test score of
/// the best weights. It prints nothing: progress goes to <see cref="StepProgress"/> and
/// <see cref="EpochProgress"/>, whose reports arrive on the training thread. Given a <see cref="Communicator"/>
/// of several ranks it trains data-parallel: every global batch of the same seeded schedule is split by token
/// count (<see cref="ShardedStep"/>) with the loss normalised by the global count, so each update equals the
/// single-process one up to summation order; dev and test evaluation are sharded and summed; rank 0 alone
/// writes the run folder, and every rank ends with the same state.
/// </summary>
public sealed class Trainer
{
    private const ulong WordDropoutSalt = 0xD1B54A32D192ED03UL;

    private readonly RunData data;
    private readonly Adam optimizer;
    private readonly Rng wordRng;
    private readonly Rng[] generators;
    private readonly Communicator world;
    private readonly DataParallel parallel;
    private readonly ShardedStep trainStep;
    private readonly ReduceLROnPlateau? plateau;

    private Trainer(RunData data, string runFolder, bool resume, Communicator? world)
    {
        this.data = data;
        this.world = world ?? Communicator.Open(Launch.Single);
        RunFolder = runFolder;
        var cfg = data.Config.Training;
        Model = new TaskModel(data.Config);
        optimizer = new Adam(Model.Network.Parameters(), cfg.Lr, weightDecay: cfg.WeightDecay);
        wordRng = new Rng(cfg.Seed ^ WordDropoutSalt);
        generators = Model.Generators.Append(wordRng).ToArray();
        State = resume ? Checkpoint.Load(runFolder, Model, optimizer, generators) : new RunState();
        if (cfg.EffectiveSchedule == TrainingOptions.PlateauSchedule)
        {
            // Mode max on the dev score, threshold 0, patience one less than --patience: the epoch that would stop a
            // fixed-epoch run early lowers the rate instead and starts the final decay.
            plateau = new ReduceLROnPlateau(optimizer, PlateauMode.Max, TrainingOptions.PlateauFactor, cfg.Patience - 1, threshold: 0f, ThresholdMode.Abs);
            State.Plateau?.RestoreInto(plateau);
        }
        Lengths = data.Train.Select(e => e.Length).ToArray();
        Batcher = new LengthBatcher(cfg.BatchSize, cfg.TokenBudget);
        parallel = new DataParallel(this.world, Model.Network.Parameters());
        trainStep = new ShardedStep(Model, optimizer, parallel);
    }

    /// <summary>
    /// Starts a new run of <paramref name="data"/> in <paramref name="runFolder"/> (created if missing): writes
    /// config.json (and the files of a sub-word tokenizer, into its tokenizer folder) and leaves the folder's other files to <see cref="Run"/>.
    /// </summary>
    /// <param name="world">The ranks that train together (data-parallel), or null for this process alone;
    /// only rank 0 touches <paramref name="runFolder"/>.</param>
    public static Trainer Create(RunData data, string runFolder, Communicator? world = null) => Create(data, runFolder, FileOps.Real, world);

    /// <summary>As <see cref="Create(RunData, string, Communicator?)"/>, with every file of the run folder written through <paramref name="files"/> (tests stop writes there as a crash would).</summary>
    internal static Trainer Create(RunData data, string runFolder, FileOps files, Communicator? world = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (world is null or { IsRoot: true })
        {
            Directory.CreateDirectory(runFolder);
            // The sub-word tokenizer's files go first, so a config.json that names them always finds them.
            if (data.Encoder.Tokenizer.Subword is SubwordTokenizer subword && data.Config.TokenizerFiles is { } names)
            {
                Directory.CreateDirectory(Path.Combine(runFolder, RunConfig.TokenizerFolder));
                for (int i = 0; i < names.Count; i++)
                    AtomicFile.Write(Path.Combine(runFolder, names[i]), subword.Content(i), files);
            }
            AtomicFile.WriteText(Path.Combine(runFolder, RunConfig.FileName), JsonSerializer.Serialize(data.Config, RunConfig.Json), files);
        }
        return new Trainer(data, runFolder, resume: false, world) { Files = files };
    }

    /// <summary>Where the run folder's files are written.</summary>
    internal FileOps Files { get; set; } = FileOps.Real;

    /// <summary>Test hook: called after each optimiser step with the model and the number of steps this call took.</summary>
    internal Action<TaskModel, int>? AfterStep { get; set; }

    /// <summary>
    /// Continues the run in <paramref name="runFolder"/> from its checkpoint (weights, optimiser, generator
    /// states, position), so the result equals that of an uninterrupted run. <paramref name="data"/> comes from
    /// <see cref="RunData.Resume"/>.
    /// </summary>
    /// <param name="world">As for <see cref="Create(RunData, string, Communicator?)"/>; every rank reads the checkpoint, so the run folder must be
    /// visible to all of them (a shared file system).</param>
    public static Trainer Resume(RunData data, string runFolder, Communicator? world = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        return new Trainer(data, runFolder, resume: true, world);
    }

    /// <summary>The run folder.</summary>
    public string RunFolder { get; }

    /// <summary>The model being trained.</summary>
    public TaskModel Model { get; }

    /// <summary>Where the run stands; a resumed run starts from its checkpoint's state.</summary>
    public RunState State { get; }

    /// <summary>The training lengths (steps per example).</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>How training batches are formed.</summary>
    public LengthBatcher Batcher { get; }

    /// <summary>Receives a report after every optimiser step.</summary>
    public IProgress<StepReport>? StepProgress { get; set; }

    /// <summary>Receives the dev metrics after every epoch, after <see cref="State"/> took them in (a new best has <see cref="RunState.BestEpoch"/> equal to the epoch).</summary>
    public IProgress<EpochMetrics>? EpochProgress { get; set; }

    /// <summary>When set, the run stops like a cancellation after this many optimiser steps of this call.</summary>
    public int? StopAfterSteps { get; set; }

    /// <summary>
    /// Trains until the epochs run out, early stopping, or <paramref name="cancellationToken"/> (checked before
    /// every step); cancellation saves a checkpoint and returns <see cref="TrainingOutcome.Interrupted"/>.
    /// Otherwise the best weights are loaded back, scored on test, and the run is marked finished.
    /// </summary>
    public TrainingResult Run(CancellationToken cancellationToken = default)
    {
        var cfg = data.Config.Training;
        var state = State;
        WarmupCosineLR? schedule = null;
        int stepsThisCall = 0;
        var clock = Stopwatch.StartNew();
        double secondsBefore = state.Seconds, cpuBefore = state.CpuSeconds;
        var cpuStart = CpuTime();
        bool classify = Model.Task == TaskKind.Classify;
        var outcome = TrainingOutcome.Completed;
        if (MemoryBudget.Check(Lengths, data.Config.Model, cfg, MemoryBudget.Available()) is string tooBig) throw new InsufficientMemoryException(tooBig);
        RunFingerprint.Check(world, data, state, StopAfterSteps);
        parallel.BroadcastParameters();
        bool stop = false;
        for (int epoch = state.Epoch; epoch < cfg.Epochs; epoch++)
        {
            // The budget is checked at epoch boundaries, against the last epoch's time: a run never stops mid-epoch
            // for it, so it ends on a fully evaluated epoch (and a resumed run makes the same decision).
            if (state.Step == 0 && EpochsThatFit(cfg, state) < 1)
            {
                outcome = TrainingOutcome.BudgetReached;
                break;
            }
            var batches = Batcher.Bucketed(Lengths, new Rng(cfg.Seed * 0x9E3779B97F4A7C15UL + (ulong)epoch));
            // The cosine spans the planned epochs at this epoch's batch count (a token budget can change the count).
            if (cfg.Cosine) schedule = new WarmupCosineLR(optimizer, cfg.Epochs * batches.Count);
            var anneal = state.Plateau is { AnnealEpochs: > 0 } a ? (Plan: a, Cosine: new WarmupCosineLR(optimizer, a.AnnealEpochs * batches.Count)) : default;
            var epochClock = Stopwatch.StartNew();
            var epochCpu = CpuTime();
            long tokens = 0;
            int step = state.Step;
            for (; step < batches.Count; step++)
            {
                // Across ranks a cancellation counts once every rank knows of it (agreed in the step's reduction).
                if ((world.Size == 1 ? cancellationToken.IsCancellationRequested : stop) || stepsThisCall == StopAfterSteps)
                {
                    state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
                    state.CpuSeconds = cpuBefore + (CpuTime() - cpuStart).TotalSeconds;
                    state.Epoch = epoch;
                    state.Step = step;
                    if (NonFinite(Model) is string badWeight) throw Diverged($"the weight '{badWeight}' became non-finite", epoch, step, cfg);
                    if (world.IsRoot) Checkpoint.Save(RunFolder, Model, optimizer, state, generators, Files);
                    return new TrainingResult(TrainingOutcome.Interrupted, state, epoch, step, batches.Count, double.NaN, null);
                }
                // Every rank prepares the whole global batch, so that word dropout draws as in one process.
                var batch = batches[step].Select(i => Prepare(data.Train[i], cfg, data.Encoder.IdsPerStep, wordRng)).ToArray();
                schedule?.SetEpoch(epoch * batches.Count + step);
                if (anneal.Plan is PlateauState plan)
                {
                    double lr = anneal.Cosine.LearningRate(plan.Lr, (epoch - plan.AnnealStart) * batches.Count + step);
                    foreach (var g in optimizer.ParamGroups) g.Lr = (float)lr;
                }
                (double loss, long steps, stop) = trainStep.Run(batch, cancellationToken.IsCancellationRequested);
                if (!double.IsFinite(loss)) throw Diverged($"the training loss became {loss}", epoch, step, cfg);
                if (cfg.Clip > 0) GradClip.ClipGradNorm(Model.Network.Parameters(), cfg.Clip);
                optimizer.Step();
                AfterStep?.Invoke(Model, stepsThisCall + 1);
                state.TrainLossSum += loss;
                state.TrainLossCount++;
                tokens += steps;
                stepsThisCall++;
                StepProgress?.Report(new StepReport(epoch, plateau is null ? cfg.Epochs : 0, step + 1, batches.Count, state.TrainLossSum / state.TrainLossCount,
                    tokens / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), optimizer.ParamGroups[0].Lr));
            }
            state.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
            state.CpuSeconds = cpuBefore + (CpuTime() - cpuStart).TotalSeconds;
            if (NonFinite(Model) is string bad) throw Diverged($"the weight '{bad}' became non-finite", epoch, step - 1, cfg);

            var (devLoss, dev) = ShardedEvaluation.Evaluate(Model, world, data.Dev);
            var row = new EpochMetrics(epoch + 1, state.TrainLossSum / Math.Max(1, state.TrainLossCount), devLoss, dev.Accuracy, dev.MacroF1,
                classify ? data.Labels.Labels.Select((l, i) => (l, dev.F1[i])).ToDictionary(p => p.l, p => Math.Round(p.Item2, 6)) : [],
                epochClock.Elapsed.TotalSeconds, tokens / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds), (CpuTime() - epochCpu).TotalSeconds);
            state.History.Add(row);
            double score = classify ? dev.MacroF1 : dev.Accuracy;
            if (score > state.BestScore)
            {
                state.BestScore = score;
                state.BestEpoch = epoch + 1;
                state.BadEpochs = 0;
                if (world.IsRoot) AtomicFile.Write(ModelPath, SafeTensors.Serialize(Model.Network.StateDict()), Files);
            }
            else state.BadEpochs++;
            bool annealed = false;
            if (plateau is not null)
            {
                if (anneal.Plan is PlateauState plan) annealed = epoch + 1 >= plan.AnnealStart + plan.AnnealEpochs;
                else state.Plateau = NextPlateauState(cfg, state, score, epoch + 1);
            }
            state.Epoch = epoch + 1;
            state.Step = 0;
            state.TrainLossSum = 0;
            state.TrainLossCount = 0;
            if (world.IsRoot)
            {
                Checkpoint.Save(RunFolder, Model, optimizer, state, generators, Files);
                WriteMetrics(null);
            }
            EpochProgress?.Report(row);
            if (annealed) break;
            // Under the plateau schedule --patience ends the constant phase (above), and the decay runs to its end.
            if (plateau is null && state.BadEpochs >= cfg.Patience)
            {
                outcome = TrainingOutcome.EarlyStopped;
                break;
            }
        }
        return Finish(outcome);
    }

    /// <summary>
    /// The plateau schedule after an epoch at a constant rate: <see cref="ReduceLROnPlateau"/> takes the dev score;
    /// when it lowers the rate (dev stopped improving), or when the time budget fits no more epochs than have been
    /// trained, the rate anneals along a cosine to zero over as many epochs as were trained, or as fit in the
    /// budget if fewer, and the run ends there: a constant phase as long as the data keep improving, then a decay
    /// as long as it (the warmup-stable-decay shape, Hägele et al. 2024, "Scaling Laws and Compute-Optimal
    /// Training Beyond Fixed Training Durations", with the decay started by dev instead of a fixed step).
    /// </summary>
    private PlateauState NextPlateauState(TrainingConfig cfg, RunState state, double score, int epochsDone)
    {
        float before = optimizer.ParamGroups[0].Lr;
        plateau!.Step(score);
        long fit = EpochsThatFit(cfg, state);
        var next = PlateauState.Of(plateau);
        if (next.Lr < before || fit <= epochsDone)
            next = next with { AnnealStart = epochsDone, AnnealEpochs = (int)Math.Max(1, Math.Min(epochsDone, fit)) };
        return next;
    }

    /// <summary>
    /// How many more epochs as long as the last one fit in the time budget (<see cref="int.MaxValue"/> without a
    /// budget or before the first epoch). Rank 0's clock decides and every rank follows, so the ranks agree.
    /// </summary>
    private long EpochsThatFit(TrainingConfig cfg, RunState state)
    {
        if (cfg.TimeBudgetSeconds is not double budget || state.History.Count == 0) return int.MaxValue;
        double last = Math.Max(1e-9, state.History[^1].Seconds);
        Span<long> fit = [(long)Math.Clamp(Math.Floor((budget - state.Seconds) / last), 0, int.MaxValue)];
        if (world.Size > 1) world.Broadcast(fit);
        return fit[0];
    }

    private string ModelPath => Path.Combine(RunFolder, "model.safetensors");

    private TrainingResult Finish(TrainingOutcome outcome)
    {
        var state = State;
        // Rank 0 reads the best weights and hands them on: the other ranks need no access to the run folder.
        if (world.IsRoot) Model.Network.LoadStateDict(Weights.Load(ModelPath));
        parallel.BroadcastParameters();
        ClassMetrics? test = null;
        double testLoss = double.NaN;
        if (data.Test.Length > 0)
        {
            (testLoss, test) = ShardedEvaluation.Evaluate(Model, world, data.Test);
            if (world.IsRoot) WriteMetrics(MetricsLine("test", test, testLoss, data.Labels, Model.Task == TaskKind.Classify, data.Test.Length));
        }
        else if (world.IsRoot) WriteMetrics(null);
        state.Finished = true;
        if (world.IsRoot) Checkpoint.Save(RunFolder, Model, optimizer, state, generators, Files);
        return new TrainingResult(outcome, state, state.Epoch, 0, 0, testLoss, test);
    }

    /// <summary>
    /// One metrics.jsonl object for <paramref name="metrics"/> on <paramref name="split"/>: accuracy and loss, for
    /// classification macro-F1 and F1 per label with the number of examples, for tagging the tokens and sentences.
    /// </summary>
    public static Dictionary<string, object> MetricsLine(string split, ClassMetrics metrics, double loss, LabelSet labels, bool classify, int examples)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(labels);
        var line = new Dictionary<string, object> { ["split"] = split, ["accuracy"] = Math.Round(metrics.Accuracy, 6), ["loss"] = Math.Round(loss, 6) };
        if (classify)
        {
            line["macro_f1"] = Math.Round(metrics.MacroF1, 6);
            line["f1"] = labels.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => Math.Round(metrics.F1[p.i], 6));
        }
        line[classify ? "examples" : "tokens"] = metrics.Count;
        if (!classify) line["sentences"] = examples;
        return line;
    }

    /// <summary>Applies the maximum length and word dropout (the word id of a token becomes &lt;unk&gt;) to a training example.</summary>
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

    private void WriteMetrics(Dictionary<string, object>? test)
    {
        var lines = State.History.Select(h => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["epoch"] = h.Epoch, ["split"] = "dev", ["train_loss"] = Math.Round(h.TrainLoss, 6), ["loss"] = Math.Round(h.DevLoss, 6),
            ["accuracy"] = Math.Round(h.DevAccuracy, 6), ["macro_f1"] = Math.Round(h.DevMacroF1, 6), ["f1"] = h.DevF1,
            ["seconds"] = Math.Round(h.Seconds, 2), ["cpu_seconds"] = Math.Round(h.CpuSeconds, 2), ["tokens_per_second"] = Math.Round(h.TokensPerSecond),
        })).ToList();
        if (test is not null) lines.Add(JsonSerializer.Serialize(test));
        AtomicFile.WriteText(Path.Combine(RunFolder, "metrics.jsonl"), string.Concat(lines.Select(l => l + "\n")), Files);
    }

    /// <summary>Processor time of this process (all threads): the cost of training on a machine that others share.</summary>
    /// <summary>
    /// The error that stops a diverged run. Nothing is written after divergence, so the last checkpoint and the best
    /// model stay as they were, from before the step that diverged.
    /// </summary>
    private TrainingDivergedException Diverged(string what, int epoch, int step, TrainingConfig cfg) =>
        new($"training diverged: {what} in epoch {epoch + 1} at batch {step + 1}; the last good checkpoint " +
            $"({(State.Epoch > 0 || State.Step > 0 ? $"epoch {State.Epoch}, batch {State.Step}" : "none yet")}) and the best model " +
            $"({(State.BestEpoch > 0 ? $"epoch {State.BestEpoch}" : "none yet")}) are kept; start a new run with a lower learning rate " +
            $"(now {cfg.Lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}){(cfg.Clip > 0 ? "" : " or with gradient clipping")}.");

    /// <summary>The name of the first parameter holding NaN or an infinity, or null.</summary>
    private static string? NonFinite(TaskModel model)
    {
        foreach (var (name, p) in model.Network.NamedParameters())
            foreach (float v in p.AsSpan())
                if (!float.IsFinite(v)) return name;
        return null;
    }

    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;
}
