using SeqPack.Models;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Training;

/// <summary><see cref="ConfigurationSearch"/>: which configurations it tries, that it keeps the best on dev, and that a seed fixes it.</summary>
public class ConfigurationSearchTests
{
    private static readonly TrainingOptions Small = new() { EmbeddingDim = 6, HiddenSize = 8, BatchSize = 8, Seed = 3, Epochs = 3 };
    private static readonly SearchCandidate Start = new("lstm", 32, 64, 0.1f, 2e-3f);

    [Fact]
    public void Candidates_StartWithTheGivenOne_NeverRepeat_AndFollowTheSeed()
    {
        var a = ConfigurationSearch.Candidates(Start, ConfigurationSearch.MaxCandidates, seed: 7);
        Assert.Equal(Start, a[0]);
        Assert.Equal(a.Count, a.Distinct().Count());
        Assert.Equal(a, ConfigurationSearch.Candidates(Start, ConfigurationSearch.MaxCandidates, seed: 7));
        Assert.NotEqual(a.Take(5), ConfigurationSearch.Candidates(Start, 5, seed: 8));
        // Every candidate lies on the grid around the start: rate and width halved, kept or doubled.
        Assert.All(a.Skip(1), c =>
        {
            Assert.Contains(c.Lr, new[] { 1e-3f, 2e-3f, 4e-3f });
            Assert.Contains((c.EmbeddingDim, c.HiddenSize), new[] { (16, 32), (32, 64), (64, 128) });
            Assert.Contains(c.Cell, new[] { "lstm", "gru" });
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(55)]
    public void Candidates_CountOutsideTheGrid_IsRefusedNamingIt(int count)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ConfigurationSearch.Candidates(Start, count, 1));
        Assert.Equal("count", e.ParamName);
    }

    [Fact]
    public void Run_KeepsTheBestTrialOnDevAsTheRunFolder_AndWritesTheTable()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        var seen = new List<SearchTrial>();
        var result = ConfigurationSearch.Run(Small, DefaultsTests.Data(dir), null, null, run, 4, new Collect(seen));

        Assert.Equal(4, result.Trials.Count);
        Assert.Equal(result.Trials, seen);
        Assert.Equal(result.Trials.Max(t => t.DevScore), result.Trials[result.Chosen].DevScore);
        Assert.Equal(result.Trials.First(t => t.DevScore == result.Trials.Max(u => u.DevScore)), result.Trials[result.Chosen]);
        var kept = result.Trials[result.Chosen].Candidate;
        var config = RunConfig.Load(run);
        Assert.Equal((kept.Cell, kept.EmbeddingDim, kept.HiddenSize, kept.Dropout), (config.Model.Cell, config.Model.EmbeddingDim, config.Model.HiddenSize, config.Model.Dropout));
        Assert.Equal(kept.Lr, config.Training.Lr);
        Assert.Equal(result.Result.State.BestScore, result.Trials[result.Chosen].DevScore);
        var table = File.ReadAllLines(Path.Combine(run, ConfigurationSearch.TableFileName));
        Assert.Equal(5, table.Length);
        Assert.Equal([result.Chosen + 1], table.Skip(1).Select((l, i) => (l, i)).Where(p => p.l.EndsWith("\tyes")).Select(p => p.i + 1));
        Assert.False(Directory.Exists(Path.Combine(run, "trials")));
        Assert.NotEmpty(TrainedModel.Load(run).Predict("pab"));              // the kept folder is a normal run
    }

    [Fact]
    public void Run_IsDeterministicForASeed()
    {
        using var dir = new TempDir();
        var data = DefaultsTests.Data(dir);
        var a = ConfigurationSearch.Run(Small, data, null, null, Path.Combine(dir.Path, "a"), 3);
        var b = ConfigurationSearch.Run(Small, data, null, null, Path.Combine(dir.Path, "b"), 3);
        Assert.Equal(a.Trials.Select(t => (t.Candidate, t.DevScore, t.BestEpoch, t.Epochs)), b.Trials.Select(t => (t.Candidate, t.DevScore, t.BestEpoch, t.Epochs)));
        Assert.Equal(a.Chosen, b.Chosen);
        Assert.Equal(a.Result.TestLoss, b.Result.TestLoss);
    }

    private sealed class Collect(List<SearchTrial> into) : IProgress<SearchTrial>
    {
        public void Report(SearchTrial value) => into.Add(value);
    }
}
