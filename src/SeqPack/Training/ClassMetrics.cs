namespace SeqPack.Training;

/// <summary>
/// Accuracy, per-class precision/recall/F1, macro-F1 (the unweighted mean of the per-class F1 of classes that
/// occur in gold or prediction) and the confusion matrix (rows gold, columns predicted).
/// </summary>
public sealed class ClassMetrics
{
    /// <summary>Metrics of <paramref name="predicted"/> against <paramref name="gold"/> (class indices below <paramref name="classes"/>, same length).</summary>
    public ClassMetrics(int classes, IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"gold has {gold.Count} entries but predicted {predicted.Count}; give one prediction per gold label.", nameof(predicted));
        for (int i = 0; i < gold.Count; i++)
            if ((uint)gold[i] >= (uint)classes || (uint)predicted[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(gold), $"entry {i}: gold {gold[i]}, predicted {predicted[i]}; class indices must lie in [0, {classes}).");
        var confusion = new long[classes, classes];
        for (int i = 0; i < gold.Count; i++) confusion[gold[i], predicted[i]]++;
        Confusion = confusion;
        Count = gold.Count;
        (Accuracy, MacroF1, Precision, Recall, F1) = Scores(confusion, Count);
    }

    /// <summary>
    /// Metrics of a confusion matrix (rows gold, columns predicted), for example one summed over the ranks of a
    /// data-parallel run.
    /// </summary>
    /// <exception cref="ArgumentException">The matrix is not square or holds a negative count.</exception>
    public static ClassMetrics FromConfusion(long[,] confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        if (confusion.GetLength(0) != confusion.GetLength(1) || confusion.GetLength(0) < 1)
            throw new ArgumentException($"confusion is {confusion.GetLength(0)}x{confusion.GetLength(1)}; expected a square matrix of at least 1x1.", nameof(confusion));
        long count = 0;
        foreach (long c in confusion)
        {
            if (c < 0) throw new ArgumentException($"confusion holds the count {c}; counts cannot be negative.", nameof(confusion));
            count += c;
        }
        return new ClassMetrics((long[,])confusion.Clone(), checked((int)count));
    }

    private ClassMetrics(long[,] confusion, int count)
    {
        Confusion = confusion;
        Count = count;
        (Accuracy, MacroF1, Precision, Recall, F1) = Scores(confusion, count);
    }

    private static (double Accuracy, double MacroF1, double[] Precision, double[] Recall, double[] F1) Scores(long[,] confusion, int count)
    {
        int classes = confusion.GetLength(0);
        long correct = 0;
        for (int c = 0; c < classes; c++) correct += confusion[c, c];
        double accuracy = count == 0 ? 0 : (double)correct / count;
        var f1 = new double[classes];
        var precision = new double[classes];
        var recall = new double[classes];
        var present = new List<double>();
        for (int c = 0; c < classes; c++)
        {
            long tp = confusion[c, c], goldC = 0, predC = 0;
            for (int k = 0; k < classes; k++) { goldC += confusion[c, k]; predC += confusion[k, c]; }
            precision[c] = predC == 0 ? 0 : (double)tp / predC;
            recall[c] = goldC == 0 ? 0 : (double)tp / goldC;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
            if (goldC + predC > 0) present.Add(f1[c]);
        }
        return (accuracy, present.Count == 0 ? 0 : present.Average(), precision, recall, f1);
    }

    /// <summary>Counts by gold class (rows) and predicted class (columns).</summary>
    public long[,] Confusion { get; }

    /// <summary>The number of items scored.</summary>
    public int Count { get; }

    /// <summary>The fraction of items predicted correctly (0 when there are none).</summary>
    public double Accuracy { get; }

    /// <summary>The mean F1 of the classes that occur in gold or prediction.</summary>
    public double MacroF1 { get; }

    /// <summary>F1 per class.</summary>
    public double[] F1 { get; }

    /// <summary>Precision per class (0 when the class is never predicted).</summary>
    public double[] Precision { get; }

    /// <summary>Recall per class (0 when the class never occurs in gold).</summary>
    public double[] Recall { get; }
}
