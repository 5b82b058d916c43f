namespace SeqPack.Distributed;

/// <summary>Splits one global batch across ranks so that each rank's share costs about the same time.</summary>
public static class BatchSharding
{
    /// <summary>
    /// Splits a batch of sequences with <paramref name="lengths"/> into <paramref name="parts"/> shares with
    /// balanced token counts: longest first, each to the share with the fewest tokens so far (ties to the lower
    /// share), Graham's LPT rule (1969), whose largest share exceeds the mean by at most one sequence. Returns
    /// the batch positions of each share in increasing order; the same on every rank, since it depends only on
    /// the lengths. A share is empty when the batch has fewer sequences than parts.
    /// </summary>
    /// <exception cref="ArgumentException">A negative length, or <paramref name="parts"/> below 1.</exception>
    public static int[][] Split(IReadOnlyList<int> lengths, int parts)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        for (int i = 0; i < lengths.Count; i++)
            if (lengths[i] < 0) throw new ArgumentException($"lengths[{i}] is {lengths[i]}; sequence lengths cannot be negative.", nameof(lengths));
        var order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i);
        var tokens = new long[parts];
        var shares = Enumerable.Range(0, parts).Select(_ => new List<int>()).ToArray();
        foreach (int i in order)
        {
            int lightest = 0;
            for (int r = 1; r < parts; r++)
                if (tokens[r] < tokens[lightest] || (tokens[r] == tokens[lightest] && shares[r].Count < shares[lightest].Count)) lightest = r;
            shares[lightest].Add(i);
            tokens[lightest] += lengths[i];
        }
        return shares.Select(s => s.Order().ToArray()).ToArray();
    }
}
