namespace SeqPack;

// Softmax and log-softmax over one dimension, computed stably (the row maximum is subtracted before
// exponentiating) and summed in double precision. Each is a single autograd node.
public sealed partial class Tensor
{
    /// <summary>
    /// <c>y = exp(x − max) / Σ exp(x − max)</c> along <paramref name="dim"/>; the gradient is
    /// <c>y·(g − Σ g·y)</c> along the same dimension.
    /// </summary>
    public Tensor Softmax(int dim)
    {
        var (outer, n, inner) = Split(dim);
        var y = new float[Size];
        ForEachLine(outer, n, inner, (start, stride) =>
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < n; k++) max = Math.Max(max, Data[start + k * stride]);
            if (double.IsNegativeInfinity(max)) max = 0;          // an all −∞ line gives NaN, as PyTorch
            double sum = 0;
            for (int k = 0; k < n; k++) sum += Math.Exp(Data[start + k * stride] - max);
            for (int k = 0; k < n; k++) y[start + k * stride] = (float)(Math.Exp(Data[start + k * stride] - max) / sum);
        });
        return Autograd.Record(new Tensor(y, shape), "Softmax", [this], g =>
        {
            var dx = new float[y.Length];
            ForEachLine(outer, n, inner, (start, stride) =>
            {
                double dot = 0;
                for (int k = 0; k < n; k++) dot += (double)g.Data[start + k * stride] * y[start + k * stride];
                for (int k = 0; k < n; k++)
                {
                    int i = start + k * stride;
                    dx[i] = (float)(y[i] * (g.Data[i] - dot));
                }
            });
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>
    /// <c>y = x − max − log Σ exp(x − max)</c> along <paramref name="dim"/>; the gradient is
    /// <c>g − exp(y)·Σ g</c> along the same dimension.
    /// </summary>
    public Tensor LogSoftmax(int dim)
    {
        var (outer, n, inner) = Split(dim);
        var y = new float[Size];
        ForEachLine(outer, n, inner, (start, stride) =>
        {
            double lse = LogSumExp(Data, start, stride, n);
            for (int k = 0; k < n; k++) y[start + k * stride] = (float)(Data[start + k * stride] - lse);
        });
        return Autograd.Record(new Tensor(y, shape), "LogSoftmax", [this], g =>
        {
            var dx = new float[y.Length];
            ForEachLine(outer, n, inner, (start, stride) =>
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += g.Data[start + k * stride];
                for (int k = 0; k < n; k++)
                {
                    int i = start + k * stride;
                    dx[i] = (float)(g.Data[i] - Math.Exp(y[i]) * sum);
                }
            });
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary><c>log Σ_k exp(v[start + k·stride])</c> for k in [0, n), stable (max subtracted), in double.</summary>
    internal static double LogSumExp(ReadOnlySpan<float> v, int start, int stride, int n)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < n; k++) max = Math.Max(max, v[start + k * stride]);
        if (double.IsInfinity(max)) return max;                    // all −∞ (→ −∞) or some +∞/NaN
        double sum = 0;
        for (int k = 0; k < n; k++) sum += Math.Exp(v[start + k * stride] - max);
        return max + Math.Log(sum);
    }

    private (int Outer, int N, int Inner) Split(int dim)
    {
        int d = Shapes.NormalizeDim(dim, Math.Max(Rank, 1), nameof(dim));
        if (Rank == 0) return (1, 1, 1);
        return (Shapes.Product(shape, 0, d), shape[d], Shapes.Product(shape, d + 1, Rank));
    }

    /// <summary>Calls <paramref name="line"/>(start, stride) for every line along the split dimension.</summary>
    private static void ForEachLine(int outer, int n, int inner, Action<int, int> line)
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
                line(o * n * inner + j, inner);
    }
}
