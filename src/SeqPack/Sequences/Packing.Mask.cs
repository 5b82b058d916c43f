namespace SeqPack;

// Masks built from sequence lengths, for attention over padded batches and for masked losses.
public static partial class Packing
{
    /// <summary>
    /// A mask that is true at the valid (non-padded) steps of each sequence: <c>mask[b, t] = t &lt; lengths[b]</c>
    /// with <paramref name="batchFirst"/>, shape (B, T); otherwise <c>mask[t, b]</c>, shape (T, B), matching
    /// <see cref="PadSequence"/>'s layouts. T is <paramref name="maxLength"/>, or the longest length when it is
    /// null. Use <see cref="Mask.Not"/> for the padded steps (what <see cref="Tensor.MaskedFill"/> wants to
    /// fill with −∞ before a softmax).
    /// </summary>
    /// <exception cref="ArgumentException">A negative length, or a length above <paramref name="maxLength"/>.</exception>
    public static Mask LengthMask(IReadOnlyList<int> lengths, int? maxLength = null, bool batchFirst = false)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        int b = lengths.Count, longest = 0;
        for (int i = 0; i < b; i++)
        {
            if (lengths[i] < 0)
                throw new ArgumentException($"LengthMask: lengths[{i}] = {lengths[i]} is negative.", nameof(lengths));
            longest = Math.Max(longest, lengths[i]);
        }
        if (maxLength is int m && (m < longest))
            throw new ArgumentException($"LengthMask: maxLength {m} is below the longest length {longest}; give at least {longest} or leave it null.", nameof(maxLength));
        int t = maxLength ?? longest;
        var values = new bool[b * t];
        for (int i = 0; i < b; i++)
            for (int s = 0; s < lengths[i]; s++)
                values[batchFirst ? i * t + s : s * b + i] = true;
        return new Mask(values, batchFirst ? [b, t] : [t, b]);
    }
}
