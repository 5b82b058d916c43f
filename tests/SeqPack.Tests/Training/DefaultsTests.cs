using SeqPack.Data;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Training;

/// <summary>
/// The defaults of a run without --epochs: the plateau schedule, the time budget, and the model size chosen
/// from the data (docs/DEFAULTS.md).
/// </summary>
public class DefaultsTests
{
    private static readonly TrainingOptions Open = new() { EmbeddingDim = 6, HiddenSize = 8, BatchSize = 8, Seed = 3, Patience = 2 };

    /// <summary>60 texts whose label is their first letter's class: learnable, but noisy enough to plateau.</summary>
    internal static Dataset Data(TempDir dir, int classes = 3, int rows = 60)
    {
        var rng = new Rng(5);
        var lines = Enumerable.Range(0, rows).Select(i =>
        {
            int c = i % classes;
            var word = new string(Enumerable.Range(0, 2 + rng.NextInt(6)).Select(_ => (char)('a' + rng.NextInt(8))).ToArray());
            return $"c{c}\t{(char)('p' + c)}{word}";
        });
        return DataReader.Read(dir.Write("data.tsv", string.Join("\n", lines) + "\n"));
    }

    private sealed class Collect<T>(List<T> into) : IProgress<T>
    {
        public void Report(T value) => into.Add(value);
    }

    [Fact]
    public void NoEpochs_TrainsOnThePlateauScheduleUntilDevStopsImproving()
    {
        using var dir = new TempDir();
        var steps = new List<StepReport>();
        var data = RunData.Create(Open, Data(dir));
        Assert.Equal(TrainingOptions.PlateauSchedule, data.Config.Training.EffectiveSchedule);
        Assert.Equal(TrainingOptions.MaxEpochs, data.Config.Training.Epochs);
        Assert.Equal(TrainingOptions.DefaultTimeBudget.TotalSeconds, data.Config.Training.TimeBudgetSeconds);
        var trainer = Trainer.Create(data, Path.Combine(dir.Path, "run"));
        trainer.StepProgress = new Collect<StepReport>(steps);
        var result = trainer.Run();

        Assert.Equal(TrainingOutcome.EarlyStopped, result.Outcome);
        var history = result.State.History;
        Assert.True(history.Count < TrainingOptions.MaxEpochs);
        Assert.Equal(0, steps[0].Epochs);                                   // open-ended: no epoch count to report
        // The rate of each epoch is the configured one halved once for every earlier epoch that was not the best.
        double best = double.NegativeInfinity;
        float lr = Open.Lr;
        foreach (var epoch in history)
        {
            Assert.All(steps.Where(s => s.Epoch == epoch.Epoch - 1), s => Assert.Equal(lr, s.LearningRate));
            if (epoch.DevMacroF1 > best) best = epoch.DevMacroF1;
            else lr *= 0.5f;
        }
        Assert.Equal(2, result.State.BadEpochs);
    }

    [Fact]
    public void TimeBudget_StopsBeforeAnEpochThatWouldEndPastIt()
    {
        using var dir = new TempDir();
        var options = Open with { TimeBudget = TimeSpan.FromTicks(1), Patience = 50 };
        var result = Trainer.Create(RunData.Create(options, Data(dir)), Path.Combine(dir.Path, "run")).Run();

        Assert.Equal(TrainingOutcome.BudgetReached, result.Outcome);
        Assert.Single(result.State.History);                                // the first epoch always runs
        Assert.NotNull(result.Test);                                        // and the run ends like any other
    }

    [Fact]
    public void FixedEpochs_KeepTheCosineScheduleAndNoBudget()
    {
        using var dir = new TempDir();
        var config = RunData.Create(Open with { Epochs = 3 }, Data(dir)).Config.Training;
        Assert.Equal(TrainingOptions.CosineSchedule, config.EffectiveSchedule);
        Assert.Null(config.TimeBudgetSeconds);
        Assert.Equal(TrainingOptions.ConstantSchedule,
            RunData.Create(Open with { Epochs = 3, Cosine = false }, Data(dir)).Config.Training.EffectiveSchedule);
        Assert.Null(RunData.Create(Open with { TimeBudget = Timeout.InfiniteTimeSpan }, Data(dir)).Config.Training.TimeBudgetSeconds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void TimeBudget_NotPositive_IsRefusedNamingTheOption(int seconds)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => (Open with { TimeBudget = TimeSpan.FromSeconds(seconds) }).Validate());
        Assert.Equal("TimeBudget", e.ParamName);
    }

    [Fact]
    public void PlateauRate_IsRestoredOnResume()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        var data = RunData.Create(Open, Data(dir));
        var whole = Trainer.Create(data, Path.Combine(dir.Path, "whole")).Run();

        // Stop two batches into the epoch after the first one that was not the best: the rate has been halved.
        var history = whole.State.History;
        int bad = Enumerable.Range(1, history.Count - 1).First(i => history.Take(i).Max(h => h.DevMacroF1) >= history[i].DevMacroF1);
        int batchesPerEpoch = (data.Train.Length + Open.BatchSize - 1) / Open.BatchSize;
        Assert.True(bad + 1 < history.Count);
        var first = Trainer.Create(data, run);
        first.StopAfterSteps = (bad + 1) * batchesPerEpoch + 2;
        Assert.Equal(TrainingOutcome.Interrupted, first.Run().Outcome);
        var resumed = Trainer.Resume(RunData.Resume(data.Config, Data(dir)), run).Run();

        Assert.Equal(whole.State.History.Select(h => h.DevLoss), resumed.State.History.Select(h => h.DevLoss));
        Assert.Equal(whole.TestLoss, resumed.TestLoss);
        Assert.Equal(whole.State.Plateau, resumed.State.Plateau);
        Assert.True(whole.State.Plateau!.Lr < Open.Lr);                   // the run did lower its rate
    }

    [Theory]
    [InlineData(false, 10_000, 17, 100, 128)]    // taggers: one size
    [InlineData(true, 4_459, 2, 32, 64)]         // SMS spam: two classes stay small
    [InlineData(true, 5_000, 4, 32, 64)]
    [InlineData(true, 5_000, 17, 64, 128)]       // many classes: a wider final state
    [InlineData(true, 400, 30, 32, 64)]          // too few examples for the larger model
    public void ModelSize_FollowsTheDocumentedRule(bool classify, int examples, int classes, int embedding, int hidden)
    {
        var size = ModelDefaults.Choose(classify, examples, classes);
        Assert.Equal((embedding, hidden), (size.EmbeddingDim, size.HiddenSize));
    }

    [Fact]
    public void ModelSize_IsWhatTheRunUses_UnlessGiven()
    {
        using var dir = new TempDir();
        var chosen = RunData.Create(new TrainingOptions { Seed = 3 }, Data(dir, classes: 6, rows: 700)).Config.Model;
        Assert.Equal((64, 128, 0.2f), (chosen.EmbeddingDim, chosen.HiddenSize, chosen.Dropout));
        var given = RunData.Create(new TrainingOptions { Seed = 3, HiddenSize = 16 }, Data(dir, classes: 6, rows: 700)).Config.Model;
        Assert.Equal(16, given.HiddenSize);
    }
}
