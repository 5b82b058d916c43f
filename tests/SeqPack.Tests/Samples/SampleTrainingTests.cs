using SeqPack.Samples;

namespace SeqPack.Tests.Samples;

/// <summary>Runs alone: the samples train for seconds on every core, rent from the shared scratch pool and
/// (Seq2SeqAttention) reseed <c>Init.Generator</c>, which tests of those facilities must not see mid-test.</summary>
[CollectionDefinition(nameof(SampleTrainingCollection), DisableParallelization = true)]
public sealed class SampleTrainingCollection;

/// <summary>
/// Each sample of docs/SAMPLES.md trained on a short schedule (seeded, so the numbers are reproducible), with a
/// threshold well beyond what a model that learned nothing reaches.
/// </summary>
[Collection(nameof(SampleTrainingCollection))]
public class SampleTrainingTests
{
    [Fact]
    public void SeriesRegressor_ShortSchedule_BeatsPredictingTheMeanTenfold()
    {
        var r = SeriesRegressorSample.Train(steps: 150);
        Assert.True(r.TestMse < r.BaselineMse / 10, $"test MSE {r.TestMse:F4} vs predicting the mean {r.BaselineMse:F4}");
    }

    [Fact]
    public void CtcRecognizer_ShortSchedule_ReachesLabelErrorRateBelow30Percent()
    {
        // emitting nothing (or blanks only) scores 100%; a single guessed label per signal about 90%
        var r = CtcRecognizerSample.Train(steps: 200);
        Assert.True(r.LabelErrorRate < 0.30, $"label error rate {r.LabelErrorRate:P1}");
    }

    [Fact]
    public void Seq2SeqAttention_ShortSchedule_NormalisesMostDatesExactly()
    {
        // an untrained or unconditioned decoder gets essentially no date exactly right
        var r = Seq2SeqSample.Train(steps: 120, batchSize: 48, beamWidth: 3);
        Assert.True(r.GreedyExactMatch > 0.5, $"greedy exact match {r.GreedyExactMatch:P1}");
        Assert.True(r.BeamExactMatch > 0.5, $"beam exact match {r.BeamExactMatch:P1}");
    }

    [Fact]
    public void CtcHelpers_DecodeAndScoreAsDefined()
    {
        // frames: blank, 2, 2, blank, 2, 3, 3 -> labels 2, 2, 3
        int[] best = [0, 2, 2, 0, 2, 3, 3];
        var lp = best.SelectMany(b => Enumerable.Range(0, 4).Select(c => c == b ? 0f : -5f)).ToArray();
        Assert.Equal(new[] { 2, 2, 3 }, CtcRecognizerSample.GreedyDecode(lp, 1, 0, best.Length, 4));
        Assert.Equal(new[] { 2, 2 }, CtcRecognizerSample.GreedyDecode(lp, 1, 0, 5, 4));     // only the first 5 frames count
        Assert.Equal(2, CtcRecognizerSample.EditDistance([1, 2, 3], [1, 3, 4]));
        Assert.Equal(3, CtcRecognizerSample.EditDistance([], [1, 2, 3]));
    }

    [Fact]
    public void DateTask_TargetsAreIsoDatesOfTheSource()
    {
        var rng = new SeqPack.Rng(3);
        for (int i = 0; i < 200; i++)
        {
            var (source, target) = DateTask.Sample(rng);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", target);
            Assert.Contains(target[..4], source);
            Assert.Equal(target, DateTask.DecodeTarget(DateTask.EncodeTarget(target)));
            Assert.Equal(DateTask.TargetLength, DateTask.EncodeTarget(target).Length);
        }
    }
}
