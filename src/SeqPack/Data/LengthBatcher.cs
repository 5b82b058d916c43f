namespace SeqPack.Data;

/// <summary>
/// Groups example indices into batches. Bucketed batching shuffles the examples, cuts them into pools of
/// <see cref="PoolBatches"/> batches, sorts each pool by length (longest first) and cuts it into batches, then
/// shuffles the order of the batches; similar lengths share a batch, so little padding or idle recurrence
/// remains, while every epoch still sees a new order.
/// </summary>
/// <param name="BatchSize">The most examples in a batch.</param>
/// <param name="TokenBudget">When set, a batch also closes before its total length would exceed this many tokens (a single longer example still forms a batch of one).</param>
/// <param name="PoolBatches">How many batches' worth of examples are sorted together.</param>
public sealed record LengthBatcher(int BatchSize, int? TokenBudget = null, int PoolBatches = 50)
{
    private void Check(IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (TokenBudget is < 1) throw new ArgumentOutOfRangeException(nameof(TokenBudget), TokenBudget, "TokenBudget must be at least 1 when set.");
        if (PoolBatches < 1) throw new ArgumentOutOfRangeException(nameof(PoolBatches), PoolBatches, "PoolBatches must be at least 1.");
    }

    /// <summary>Length-bucketed batches of the indices 0..lengths.Count-1, in an order drawn from <paramref name="rng"/>.</summary>
    public List<int[]> Bucketed(IReadOnlyList<int> lengths, Rng rng)
    {
        Check(lengths);
        ArgumentNullException.ThrowIfNull(rng);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        rng.Shuffle(order.AsSpan());
        var batches = new List<int[]>();
        int pool = BatchSize * PoolBatches;
        for (int start = 0; start < order.Length; start += pool)
        {
            var chunk = order[start..Math.Min(order.Length, start + pool)];
            // Stable sort on length, longest first: equal lengths keep their shuffled order.
            var sorted = chunk.Select((index, position) => (index, position))
                .OrderByDescending(p => lengths[p.index]).ThenBy(p => p.position).Select(p => p.index).ToArray();
            Cut(sorted, lengths, batches);
        }
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }

    /// <summary>Batches in input order without shuffling or sorting (evaluation): same cutting rule.</summary>
    public List<int[]> Sequential(IReadOnlyList<int> lengths)
    {
        Check(lengths);
        var batches = new List<int[]>();
        Cut(Enumerable.Range(0, lengths.Count).ToArray(), lengths, batches);
        return batches;
    }

    /// <summary>Batches of a random order, no sorting: what plain shuffled batching would give (for comparison).</summary>
    public List<int[]> Random(IReadOnlyList<int> lengths, Rng rng)
    {
        Check(lengths);
        ArgumentNullException.ThrowIfNull(rng);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        rng.Shuffle(order.AsSpan());
        var batches = new List<int[]>();
        Cut(order, lengths, batches);
        return batches;
    }

    private void Cut(int[] order, IReadOnlyList<int> lengths, List<int[]> batches)
    {
        var current = new List<int>(BatchSize);
        long tokens = 0;
        foreach (int i in order)
        {
            if (current.Count > 0 && (current.Count == BatchSize || (TokenBudget is int budget && tokens + lengths[i] > budget)))
            {
                batches.Add(current.ToArray());
                current.Clear();
                tokens = 0;
            }
            current.Add(i);
            tokens += lengths[i];
        }
        if (current.Count > 0) batches.Add(current.ToArray());
    }
}
