using SeqPack;
using SeqPack.Nn;
using SeqPack.Optim;

namespace SeqPack.Samples;

/// <summary>What <see cref="SeriesRegressorSample.Train"/> reached: test MSE and the MSE of always predicting the training mean.</summary>
public sealed record RegressorResult(int Steps, double TestMse, double BaselineMse);

/// <summary>
/// A packed LSTM that regresses one number from a variable-length series: the series are random walks of
/// 5 to 40 steps (each step uniform in [−1, 1]) and the target is the walk's net displacement scaled by 1/4,
/// so the model has to accumulate over exactly the steps each series has. Trained with MSE, Adam and a
/// one-cycle schedule; the test MSE is compared with always predicting the training mean.
/// </summary>
public static class SeriesRegressorSample
{
    /// <summary>Walks and targets, from <paramref name="rng"/>.</summary>
    public static (float[][] Series, float[] Targets) Generate(int count, Rng rng)
    {
        var series = new float[count][];
        var targets = new float[count];
        for (int i = 0; i < count; i++)
        {
            int length = 5 + rng.NextInt(36);
            series[i] = new float[length];
            double sum = 0;
            for (int t = 0; t < length; t++) sum += series[i][t] = rng.NextUniform(-1f, 1f);
            targets[i] = (float)(sum / 4);
        }
        return (series, targets);
    }

    private sealed class Model : Module
    {
        public readonly Lstm Lstm;
        public readonly Linear Head;

        public Model(int hidden, Rng rng)
        {
            Lstm = RegisterModule("lstm", new Lstm(1, hidden));
            Head = RegisterModule("head", new Linear(hidden, 1));
            Init.RecurrentOrthogonal(Lstm, rng);
        }

        /// <summary>(B) predictions for a batch of series of any lengths.</summary>
        public Tensor Forward(IReadOnlyList<float[]> series)
        {
            var packed = Packing.PackSequence(series.Select(s => Tensor.FromArray(s, s.Length, 1)).ToArray(), enforceSorted: false);
            var (_, state) = Lstm.Forward(packed);
            var last = state.H.Select(0, 0);                                    // (B, H): the state after each series' own last step
            return Head.Forward(last).Reshape(series.Count);
        }
    }

    /// <summary>Trains for <paramref name="steps"/> batches of <paramref name="batchSize"/> and reports the test MSE; <paramref name="log"/> gets progress lines.</summary>
    public static RegressorResult Train(int steps, int batchSize = 32, int hidden = 32, ulong seed = 1, Action<string>? log = null)
    {
        var rng = new Rng(seed);
        var (trainX, trainY) = Generate(4000, rng);
        var (testX, testY) = Generate(500, rng);
        var model = new Model(hidden, rng);
        var opt = new Adam(model.Parameters(), lr: 0.01f);
        var schedule = new OneCycleLR(opt, maxLr: 0.01f, totalSteps: steps, pctStart: 0.2f);
        for (int step = 1; step <= steps; step++)
        {
            var idx = Enumerable.Range(0, batchSize).Select(_ => rng.NextInt(trainX.Length)).ToArray();
            opt.ZeroGrad();
            var loss = Losses.Mse(model.Forward(idx.Select(i => trainX[i]).ToArray()), Tensor.FromArray(idx.Select(i => trainY[i]).ToArray(), batchSize));
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1f);
            opt.Step();
            schedule.Step();
            if (step % 100 == 0) log?.Invoke($"step {step}: train MSE {loss.Item():F4}");
        }
        double mean = trainY.Average(y => (double)y);
        double baseline = testY.Average(y => (y - mean) * (y - mean));
        double mse;
        model.Eval();
        using (Autograd.NoGrad())
            mse = Losses.Mse(model.Forward(testX), Tensor.FromArray(testY, testY.Length)).Item();
        return new RegressorResult(steps, mse, baseline);
    }
}
