namespace SeqPack.Training;

/// <summary>Held-out splits cut from one list of examples.</summary>
public static class Splits
{
    /// <summary>
    /// Cuts <paramref name="count"/> indices into train, dev and test: within each stratum (class label, or one
    /// stratum when <paramref name="strata"/> is null) the indices are shuffled and the first fractions go to dev
    /// and test, so every class keeps its share in each split. The result is fixed by <paramref name="seed"/>.
    /// </summary>
    public static (int[] Train, int[] Dev, int[] Test) Cut(int count, IReadOnlyList<int>? strata, double devFraction, double testFraction, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (strata is not null && strata.Count != count)
            throw new ArgumentException($"strata has {strata.Count} entries for {count} examples; give one stratum per example.", nameof(strata));
        if (devFraction is < 0 or >= 1 || testFraction is < 0 or >= 1 || devFraction + testFraction >= 1)
            throw new ArgumentOutOfRangeException(nameof(devFraction), $"devFraction {devFraction} and testFraction {testFraction} must lie in [0, 1) and add up to less than 1.");
        var rng = new Rng(seed);
        var groups = Enumerable.Range(0, count).GroupBy(i => strata?[i] ?? 0).OrderBy(g => g.Key);
        var train = new List<int>();
        var dev = new List<int>();
        var test = new List<int>();
        foreach (var group in groups)
        {
            var items = group.ToArray();
            rng.Shuffle(items.AsSpan());
            int nTest = (int)Math.Round(items.Length * testFraction);
            int nDev = (int)Math.Round(items.Length * devFraction);
            if (items.Length - nTest - nDev < 1) { nTest = Math.Min(nTest, Math.Max(0, items.Length - 1)); nDev = Math.Max(0, Math.Min(nDev, items.Length - 1 - nTest)); }
            test.AddRange(items[..nTest]);
            dev.AddRange(items[nTest..(nTest + nDev)]);
            train.AddRange(items[(nTest + nDev)..]);
        }
        train.Sort(); dev.Sort(); test.Sort();
        return (train.ToArray(), dev.ToArray(), test.ToArray());
    }
}
