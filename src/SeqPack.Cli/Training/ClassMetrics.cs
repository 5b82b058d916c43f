namespace SeqPack.Cli.Training;

/// <summary>
/// Accuracy, per-class precision/recall/F1, macro-F1 (the unweighted mean of the per-class F1 of classes that
/// occur in gold or prediction) and the confusion matrix (rows gold, columns predicted).
/// </summary>
internal sealed class ClassMetrics
{
    public ClassMetrics(int classes, IReadOnlyList<int> gold, IReadOnlyList<int> predicted) : this(Tally(classes, gold, predicted))
    {
    }

    private ClassMetrics(long[,] confusion)
    {
        int classes = confusion.GetLength(0);
        Confusion = confusion;
        long count = 0;
        foreach (long c in confusion) count += c;
        Count = (int)count;
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

    /// <summary>The metrics of a confusion matrix (rows gold, columns predicted), e.g. one summed over ranks.</summary>
    public static ClassMetrics FromConfusion(long[,] confusion) => new(confusion);

    private static long[,] Tally(int classes, IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        var confusion = new long[classes, classes];
        for (int i = 0; i < gold.Count; i++) confusion[gold[i], predicted[i]]++;
        return confusion;
    }

    public long[,] Confusion { get; }
    public int Count { get; }
    public double Accuracy { get; }
    public double MacroF1 { get; }
    public double[] F1 { get; }
    public double[] Precision { get; }
    public double[] Recall { get; }
}
