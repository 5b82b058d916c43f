using SeqPack.Data;
using SeqPack.Models;
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
    public void NoEpochs_KeepsTheRateUntilDevStopsImproving_ThenAnnealsAsLongAgainAndEnds()
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

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        var history = result.State.History;
        var plan = result.State.Plateau!;
        Assert.Equal(0, steps[0].Epochs);                                   // open-ended: no epoch count to report
        // The constant phase ends at the second epoch in a row without a new best dev score ...
        int start = plan.AnnealStart;
        Assert.True(start >= 3);
        var notBest = history.Select((h, i) => i > 0 && h.DevMacroF1 <= history.Take(i).Max(e => e.DevMacroF1)).ToArray();
        Assert.True(notBest[start - 2] && notBest[start - 1]);
        Assert.DoesNotContain(Enumerable.Range(1, start - 2), i => notBest[i - 1] && notBest[i]);
        Assert.All(steps.Where(s => s.Epoch < start), s => Assert.Equal(Open.Lr, s.LearningRate));
        // ... then the rate, halved, decays along a cosine over as many epochs as were trained, and the run ends.
        Assert.Equal(start, plan.AnnealEpochs);
        Assert.Equal(start + plan.AnnealEpochs, history.Count);
        var anneal = steps.Where(s => s.Epoch >= start).Select(s => s.LearningRate).ToList();
        Assert.Equal(Open.Lr * TrainingOptions.PlateauFactor, anneal[0]);
        Assert.True(anneal.Zip(anneal.Skip(1)).All(q => q.Second < q.First));
        Assert.True(anneal[^1] < 0.01f * anneal[0]);
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

        // Stop two batches into the second epoch of the final decay.
        var plan = whole.State.Plateau!;
        int batchesPerEpoch = (data.Train.Length + Open.BatchSize - 1) / Open.BatchSize;
        Assert.True(plan.AnnealEpochs >= 2);
        var first = Trainer.Create(data, run);
        first.StopAfterSteps = (plan.AnnealStart + 1) * batchesPerEpoch + 2;
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
        Assert.Equal(classify ? ClassifierPooling.FinalStateAndMax : null, size.Pooling);
    }

    [Fact]
    public void ModelSize_IsWhatTheRunUses_UnlessGiven()
    {
        using var dir = new TempDir();
        var chosen = RunData.Create(new TrainingOptions { Seed = 3 }, Data(dir, classes: 6, rows: 700)).Config.Model;
        Assert.Equal((64, 128, 0.2f, "final-max"), (chosen.EmbeddingDim, chosen.HiddenSize, chosen.Dropout, chosen.Pooling));
        var given = RunData.Create(new TrainingOptions { Seed = 3, HiddenSize = 16, Pooling = "final" }, Data(dir, classes: 6, rows: 700)).Config.Model;
        Assert.Equal((16, "final"), (given.HiddenSize, given.Pooling));
    }
}
