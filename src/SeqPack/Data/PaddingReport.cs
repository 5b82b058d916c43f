using System.Globalization;

namespace SeqPack.Data;

/// <summary>
/// What padding would have cost for a set of batches: <see cref="PaddedSteps"/> = Σ over batches of
/// (batch size × longest length), <see cref="RealSteps"/> = Σ lengths; packing computes only the real steps.
/// </summary>
public readonly record struct PaddingReport(long RealSteps, long PaddedSteps)
{
    /// <summary>Counts real and padded steps of <paramref name="batches"/> over <paramref name="lengths"/>.</summary>
    public static PaddingReport Of(IReadOnlyList<int> lengths, IEnumerable<int[]> batches)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(batches);
        long real = 0, padded = 0;
        foreach (var batch in batches)
        {
            int max = 0;
            foreach (int i in batch) { real += lengths[i]; max = Math.Max(max, lengths[i]); }
            padded += (long)max * batch.Length;
        }
        return new PaddingReport(real, padded);
    }

    /// <summary>The padded steps that are padding: 1 − real / padded (0 for no steps).</summary>
    public double WasteFraction => PaddedSteps == 0 ? 0 : 1.0 - (double)RealSteps / PaddedSteps;

    /// <summary>Reads like "packing skipped 66% of 1.2 M padded steps".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"packing skipped {WasteFraction * 100:0}% of {Human(PaddedSteps)} padded steps");

    /// <summary>A count with a k/M/G suffix and one decimal ("1.2 M"); counts under 1000 as they are.</summary>
    public static string Human(long n) => n switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:0.0} G"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:0.0} M"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:0.0} k"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
