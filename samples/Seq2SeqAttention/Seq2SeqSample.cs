using SeqPack;
using SeqPack.Nn;
using SeqPack.Optim;

namespace SeqPack.Samples;

/// <summary>What <see cref="Seq2SeqSample.Train"/> reached: exact-match accuracy of greedy and beam decoding on held-out dates.</summary>
public sealed record Seq2SeqResult(int Steps, double GreedyExactMatch, double BeamExactMatch, double FinalTrainLoss);

/// <summary>Trains <see cref="DateTranslator"/> on freshly generated dates and scores it on 300 held-out ones.</summary>
public static class Seq2SeqSample
{
    /// <summary>
    /// Trains for <paramref name="steps"/> batches of <paramref name="batchSize"/> (Adam under a one-cycle
    /// schedule, gradients clipped to norm 1) and reports exact-match accuracy of greedy and beam decoding.
    /// </summary>
    public static Seq2SeqResult Train(int steps, int batchSize = 64, int hidden = 64, int beamWidth = 4, ulong seed = 1, Action<string>? log = null)
    {
        var testRng = new Rng(seed ^ 0x5EED);
        var test = Enumerable.Range(0, 300).Select(_ => DateTask.Sample(testRng)).ToArray();
        var rng = new Rng(seed);
        Init.ManualSeed(seed);
        var model = new DateTranslator(hidden);
        var opt = new Adam(model.Parameters(), lr: 0.005f);
        var schedule = new OneCycleLR(opt, maxLr: 0.005f, totalSteps: steps, pctStart: 0.2f);
        float lastLoss = float.NaN;
        for (int step = 1; step <= steps; step++)
        {
            var batch = Enumerable.Range(0, batchSize).Select(_ => DateTask.Sample(rng)).ToArray();
            opt.ZeroGrad();
            var loss = model.Loss(batch.Select(b => DateTask.EncodeSource(b.Source)).ToArray(), batch.Select(b => DateTask.EncodeTarget(b.Target)).ToArray());
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1f);
            opt.Step();
            schedule.Step();
            lastLoss = loss.Item();
            if (step % 50 == 0) log?.Invoke($"step {step}: loss {lastLoss:F4}");
        }
        model.Eval();
        var sources = test.Select(x => DateTask.EncodeSource(x.Source)).ToArray();
        var greedy = model.Greedy(sources);
        double greedyMatch = test.Where((x, i) => DateTask.DecodeTarget(greedy[i]) == x.Target).Count() / (double)test.Length;
        double beamMatch = test.Where((x, i) => DateTask.DecodeTarget(model.Beam(sources[i], beamWidth)) == x.Target).Count() / (double)test.Length;
        if (log is not null)
            foreach (var (source, _) in test.Take(3))
                log($"  {source} -> {DateTask.DecodeTarget(model.Beam(DateTask.EncodeSource(source), beamWidth))}");
        return new Seq2SeqResult(steps, greedyMatch, beamMatch, lastLoss);
    }
}
