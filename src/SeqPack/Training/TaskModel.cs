using SeqPack.Data;
using SeqPack.Models;
using SeqPack.Nn;

namespace SeqPack.Training;

/// <summary>
/// What a model says about one example: for classification the class <paramref name="Label"/> and the
/// <paramref name="Probabilities"/> of all classes; for tagging (<paramref name="Label"/> -1) one tag per step, the
/// probability of that tag, and <paramref name="Probabilities"/> holding steps x tags, row-major.
/// </summary>
public sealed record Prediction(int Label, float[] Probabilities, int[]? Tags, float[]? TagProbabilities);

/// <summary>The classifier or tagger of a run behind one interface: loss on a batch, predictions, evaluation.</summary>
public sealed class TaskModel
{
    private readonly SequenceClassifier? classifier;
    private readonly SequenceTagger? tagger;

    /// <summary>A freshly initialised network of the architecture, task and seed in <paramref name="config"/>.</summary>
    public TaskModel(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var m = config.Model;
        var cell = m.Cell == "gru" ? RecurrentCell.Gru : RecurrentCell.Lstm;
        Task = config.Task == "tag" ? TaskKind.Tag : TaskKind.Classify;
        Classes = config.Labels.Count;
        if (Task == TaskKind.Classify)
            Network = classifier = new SequenceClassifier(config.Vocabulary.Count, Classes, m.EmbeddingDim, m.HiddenSize, m.NumLayers,
                m.Bidirectional, cell, m.Dropout, m.IdsPerStep, config.Training.Seed, m.EffectivePooling);
        else
            Network = tagger = new SequenceTagger(config.Vocabulary.Count, Classes, m.EmbeddingDim, m.HiddenSize, m.NumLayers,
                m.Bidirectional, cell, m.Dropout, m.IdsPerStep, config.Training.Seed);
    }

    /// <summary>Classification or tagging.</summary>
    public TaskKind Task { get; }

    /// <summary>The number of classes (or tags).</summary>
    public int Classes { get; }

    /// <summary>The network: a <see cref="SequenceClassifier"/> or a <see cref="SequenceTagger"/>.</summary>
    public SequenceModel Network { get; }

    /// <summary>The random generators of the network's dropout masks (see <see cref="SequenceModel.Generators"/>).</summary>
    public IReadOnlyList<Rng> Generators => classifier?.Generators ?? tagger!.Generators;

    /// <summary>Mean cross-entropy over the batch (per sequence, or per token for tagging) and the number of steps it covered.</summary>
    public (Tensor Loss, int Steps) Loss(IReadOnlyList<Encoded> batch) => Loss(batch, null);

    /// <summary>As <see cref="Loss(IReadOnlyList{Encoded})"/> for a rank's <paramref name="share"/> of a global batch (null: the whole batch).</summary>
    internal (Tensor Loss, int Steps) Loss(IReadOnlyList<Encoded> batch, BatchShare? share)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var ids = batch.Select(e => e.Ids).ToArray();
        int steps = batch.Sum(e => e.Length);
        if (classifier is not null)
            return (Losses.CrossEntropy(classifier.Forward(ids, share), batch.Select(e => e.Label).ToArray()), steps);
        var output = tagger!.Forward(ids, share);
        var targets = output.Layout.Pack<int>(batch.Select(e => e.Tags!).ToArray());
        return (Losses.CrossEntropy(output.Logits, targets), steps);
    }

    /// <summary>Predictions in evaluation mode, without recording gradients, in batches of <paramref name="batchSize"/>.</summary>
    public Prediction[] Predict(IReadOnlyList<int[]> ids, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Network.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var result = new Prediction[ids.Count];
            for (int start = 0; start < ids.Count; start += batchSize)
            {
                var chunk = ids.Skip(start).Take(batchSize).ToArray();
                if (classifier is not null)
                {
                    var probs = classifier.Forward(chunk).Softmax(1).ToArray();     // (B, C)
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        var p = probs[(i * Classes)..((i + 1) * Classes)];
                        result[start + i] = new Prediction(ArgMax(p), p, null, null);
                    }
                }
                else
                {
                    var output = tagger!.Forward(chunk);
                    var probs = output.Logits.Softmax(1).ToArray();              // (N, C) packed rows
                    var rows = output.Layout.Unpack(Enumerable.Range(0, output.Layout.TotalRows).ToArray());
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        var tags = new int[rows[i].Length];
                        var tagProbs = new float[rows[i].Length];
                        var all = new float[rows[i].Length * Classes];
                        for (int t = 0; t < tags.Length; t++)
                        {
                            var p = probs.AsSpan(rows[i][t] * Classes, Classes);
                            p.CopyTo(all.AsSpan(t * Classes));
                            tags[t] = ArgMax(p);
                            tagProbs[t] = p[tags[t]];
                        }
                        result[start + i] = new Prediction(-1, all, tags, tagProbs);
                    }
                }
            }
            return result;
        }
        finally
        {
            Network.Train();
        }
    }

    /// <summary>Loss and metrics on <paramref name="examples"/>: per-class metrics over sequences, or over tokens for tagging.</summary>
    public (double Loss, ClassMetrics Metrics) Evaluate(IReadOnlyList<Encoded> examples, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Network.Eval();
        double lossSum = 0;
        long weight = 0;
        try
        {
            using var _ = Autograd.NoGrad();
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                var chunk = examples.Skip(start).Take(batchSize).ToArray();
                var (loss, steps) = Loss(chunk);
                int n = Task == TaskKind.Classify ? chunk.Length : steps;
                lossSum += loss.Item() * n;
                weight += n;
            }
        }
        finally
        {
            Network.Train();
        }
        var predictions = Predict(examples.Select(e => e.Ids).ToArray(), batchSize);
        var gold = new List<int>();
        var predicted = new List<int>();
        for (int i = 0; i < examples.Count; i++)
        {
            if (Task == TaskKind.Classify) { gold.Add(examples[i].Label); predicted.Add(predictions[i].Label); }
            else { gold.AddRange(examples[i].Tags!); predicted.AddRange(predictions[i].Tags!); }
        }
        return (weight == 0 ? 0 : lossSum / weight, new ClassMetrics(Classes, gold, predicted));
    }

    private static int ArgMax(ReadOnlySpan<float> p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
