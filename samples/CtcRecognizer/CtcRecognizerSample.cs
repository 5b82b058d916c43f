using SeqPack;
using SeqPack.Nn;
using SeqPack.Optim;

namespace SeqPack.Samples;

/// <summary>What <see cref="CtcRecognizerSample.Train"/> reached: the label error rate on held-out signals.</summary>
public sealed record CtcResult(int Steps, double LabelErrorRate, double FinalTrainLoss);

/// <summary>
/// A CTC recogniser on synthetic signals: each signal spells 1 to 6 labels from an alphabet of
/// <see cref="Labels"/>; a label is 2 to 5 frames in which its own channel is high, separated by 1 to 3
/// frames of silence, every channel with Gaussian noise. The frame count and the alignment are not given to
/// the model: a packed bidirectional GRU emits per-frame log-probabilities over blank + labels, trained with
/// <see cref="Losses.Ctc"/> over each signal's own length; decoding is greedy (best class per frame, repeats
/// merged, blanks dropped) and scored by the label error rate (edit distance / reference length).
/// </summary>
public static class CtcRecognizerSample
{
    /// <summary>Label values are 1..Labels; 0 is the CTC blank.</summary>
    public const int Labels = 5;
    private const int Features = Labels + 1;   // one channel per label and an energy channel

    /// <summary>Signals (frames × features, row-major) and their label sequences.</summary>
    public static (float[][] Signals, int[][] LabelSequences) Generate(int count, Rng rng, float noise = 0.4f)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var signals = new float[count][];
        var labels = new int[count][];
        for (int i = 0; i < count; i++)
        {
            labels[i] = new int[1 + rng.NextInt(6)];
            var frames = new List<float[]>();
            void Silence() { for (int k = 1 + rng.NextInt(3); k > 0; k--) frames.Add(new float[Features]); }
            for (int j = 0; j < labels[i].Length; j++)
            {
                int label = labels[i][j] = 1 + rng.NextInt(Labels);
                Silence();
                for (int k = 2 + rng.NextInt(4); k > 0; k--)
                {
                    var f = new float[Features];
                    f[label - 1] = 1f;
                    f[Labels] = 1f;
                    frames.Add(f);
                }
            }
            Silence();
            foreach (var f in frames)
                for (int c = 0; c < Features; c++) f[c] += noise * rng.NextNormal();
            signals[i] = frames.SelectMany(f => f).ToArray();
        }
        return (signals, labels);
    }

    private sealed class Model : Module
    {
        private readonly Gru gru;
        private readonly Linear head;

        public Model(int hidden)
        {
            gru = RegisterModule("gru", new Gru(Features, hidden, bidirectional: true));
            head = RegisterModule("head", new Linear(2 * hidden, Labels + 1));
        }

        /// <summary>(T, B, blank + labels) log-probabilities and the frame counts, in batch order.</summary>
        public (Tensor LogProbs, int[] Lengths) Forward(IReadOnlyList<float[]> signals)
        {
            var packed = Packing.PackSequence(signals.Select(s => Tensor.FromArray(s, s.Length / Features, Features)).ToArray(), enforceSorted: false);
            var (output, _) = gru.Forward(packed);
            var (padded, lengths) = Packing.PadPackedSequence(output);          // (T, B, 2H)
            return (head.Forward(padded).LogSoftmax(-1), lengths);
        }
    }

    /// <summary>
    /// Greedy CTC decoding of sequence <paramref name="index"/> of (T, <paramref name="batch"/>,
    /// <paramref name="classes"/>) log-probabilities: the best class per frame, repeats merged, blanks removed.
    /// </summary>
    public static int[] GreedyDecode(ReadOnlySpan<float> logProbs, int batch, int index, int length, int classes)
    {
        var result = new List<int>();
        int previous = 0;
        for (int t = 0; t < length; t++)
        {
            var row = logProbs.Slice((t * batch + index) * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best != 0 && best != previous) result.Add(best);
            previous = best;
        }
        return [.. result];
    }

    /// <summary>Levenshtein distance between two label sequences.</summary>
    public static int EditDistance(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var row = Enumerable.Range(0, b.Count + 1).ToArray();
        for (int i = 1; i <= a.Count; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Count; j++)
            {
                int next = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = row[j];
                row[j] = next;
            }
        }
        return row[b.Count];
    }

    /// <summary>Trains for <paramref name="steps"/> batches and returns the label error rate on 300 held-out signals.</summary>
    public static CtcResult Train(int steps, int batchSize = 32, int hidden = 32, ulong seed = 1, Action<string>? log = null)
    {
        var rng = new Rng(seed);
        var (trainX, trainY) = Generate(3000, rng);
        var (testX, testY) = Generate(300, rng);
        var model = new Model(hidden);
        var opt = new Adam(model.Parameters(), lr: 0.01f);
        var schedule = new OneCycleLR(opt, maxLr: 0.01f, totalSteps: steps, pctStart: 0.15f);
        float lastLoss = float.NaN;
        for (int step = 1; step <= steps; step++)
        {
            var idx = Enumerable.Range(0, batchSize).Select(_ => rng.NextInt(trainX.Length)).ToArray();
            opt.ZeroGrad();
            var (logProbs, lengths) = model.Forward(idx.Select(i => trainX[i]).ToArray());
            var loss = Losses.Ctc(logProbs, idx.SelectMany(i => trainY[i]).ToArray(), lengths, idx.Select(i => trainY[i].Length).ToArray());
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 5f);
            opt.Step();
            schedule.Step();
            lastLoss = loss.Item();
            if (step % 50 == 0) log?.Invoke($"step {step}: CTC loss {lastLoss:F4}");
        }
        model.Eval();
        int errors = 0, total = 0;
        using (Autograd.NoGrad())
        {
            var (logProbs, lengths) = model.Forward(testX);
            var lp = logProbs.ToArray();
            for (int i = 0; i < testX.Length; i++)
            {
                errors += EditDistance(GreedyDecode(lp, testX.Length, i, lengths[i], Labels + 1), testY[i]);
                total += testY[i].Length;
            }
        }
        return new CtcResult(steps, (double)errors / total, lastLoss);
    }
}
