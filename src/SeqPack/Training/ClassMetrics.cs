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
        Confusion = new long[classes, classes];
        for (int i = 0; i < gold.Count; i++) Confusion[gold[i], predicted[i]]++;
        Count = gold.Count;
        long correct = 0;
        for (int c = 0; c < classes; c++) correct += Confusion[c, c];
        Accuracy = Count == 0 ? 0 : (double)correct / Count;
        F1 = new double[classes];
        Precision = new double[classes];
        Recall = new double[classes];
        var present = new List<double>();
        for (int c = 0; c < classes; c++)
        {
            long tp = Confusion[c, c], goldC = 0, predC = 0;
            for (int k = 0; k < classes; k++) { goldC += Confusion[c, k]; predC += Confusion[k, c]; }
            Precision[c] = predC == 0 ? 0 : (double)tp / predC;
            Recall[c] = goldC == 0 ? 0 : (double)tp / goldC;
            F1[c] = Precision[c] + Recall[c] == 0 ? 0 : 2 * Precision[c] * Recall[c] / (Precision[c] + Recall[c]);
            if (goldC + predC > 0) present.Add(F1[c]);
        }
        MacroF1 = present.Count == 0 ? 0 : present.Average();
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
