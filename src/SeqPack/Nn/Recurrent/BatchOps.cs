namespace SeqPack.Nn.Recurrent;

/// <summary>Differentiable helpers the recurrent layers need around their fused nodes.</summary>
internal static class BatchOps
{
    /// <summary>
    /// Reorders the batch dimension (dimension 1) of an (S, B, F) tensor: <c>out[s, j] = t[s, index[j]]</c>
    /// (torch's <c>index_select(1, index)</c> with a permutation). The gradient scatters back.
    /// </summary>
    public static Tensor PermuteBatch(Tensor t, int[] index)
    {
        int s = t.Dim(0), b = t.Dim(1), f = t.Dim(2);
        var r = new float[t.Size];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < b; j++)
                t.Data.AsSpan((i * b + index[j]) * f, f).CopyTo(r.AsSpan((i * b + j) * f, f));
        var shape = t.Shape;
        return Autograd.Record(new Tensor(r, shape), "PermuteBatch", [t], g =>
        {
            var gi = new float[g.Size];
            for (int i = 0; i < s; i++)
                for (int j = 0; j < b; j++)
                    g.Data.AsSpan((i * b + j) * f, f).CopyTo(gi.AsSpan((i * b + index[j]) * f, f));
            return [new Tensor(gi, shape)];
        });
    }

    /// <summary>
    /// Dropout between layers (training only): each element is zeroed with probability <paramref name="p"/>
    /// and the survivors are scaled by 1/(1−p), so the expectation is unchanged; p = 1 zeroes everything.
    /// The mask comes from <paramref name="rng"/>, one uniform draw per element in row-major order.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, Rng rng)
    {
        var mask = new float[x.Size];
        float scale = p >= 1f ? 0f : 1f / (1f - p);
        lock (rng)
            for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() < p ? 0f : scale;
        var r = new float[x.Size];
        System.Numerics.Tensors.TensorPrimitives.Multiply(x.Data, mask, r);
        var shape = x.Shape;
        return Autograd.Record(new Tensor(r, shape), "Dropout", [x], g =>
        {
            var gi = new float[g.Size];
            System.Numerics.Tensors.TensorPrimitives.Multiply(g.Data, mask, gi);
            return [new Tensor(gi, shape)];
        });
    }
}
