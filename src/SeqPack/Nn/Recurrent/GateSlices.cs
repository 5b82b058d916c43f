namespace SeqPack.Nn.Recurrent;

/// <summary>
/// How a layer's gate columns are laid out inside the fused kernels: the hidden units are cut into slices of
/// at most <see cref="MaxUnits"/> units, and within a slice the G gate blocks of those units sit side by
/// side. One slice of <c>h·W_hhᵀ</c> therefore yields every gate of its units, so the task that computes it
/// can run the cell update for those units at once (the layout oneDNN and Appleyard et al. 2016 use).
/// </summary>
/// <remarks>
/// PyTorch's layout is gate-major: column <c>g·H + u</c>. The kernel layout puts that column at
/// <c>G·u0 + g·w + (u − u0)</c> for the slice [u0, u0 + w) holding u. Weights and biases are permuted into it
/// when a layer runs, and weight and bias gradients are permuted back. The slices depend only on H, never
/// on the thread count, so results are the same for every <see cref="Compute.Threads"/>.
/// </remarks>
internal sealed class GateSlices
{
    /// <summary>Units per slice: 64 keeps a slice's GEMM block (4·64 columns) a whole number of micro-panels.</summary>
    public const int MaxUnits = 64;

    /// <summary>Gate blocks per unit (LSTM 4, GRU 3, RNN 1).</summary>
    public int Gates { get; }
    /// <summary>Hidden units H.</summary>
    public int Hidden { get; }
    /// <summary>Number of slices.</summary>
    public int Count { get; }

    /// <summary><c>KernelToTorch[j]</c>: PyTorch's column for kernel column j.</summary>
    public int[] KernelToTorch { get; }

    public GateSlices(int gates, int hidden)
    {
        Gates = gates;
        Hidden = hidden;
        Count = (hidden + MaxUnits - 1) / MaxUnits;
        KernelToTorch = new int[gates * hidden];
        for (int s = 0; s < Count; s++)
        {
            int u0 = Start(s), w = Width(s);
            for (int g = 0; g < gates; g++)
                for (int k = 0; k < w; k++)
                    KernelToTorch[gates * u0 + g * w + k] = g * hidden + u0 + k;
        }
    }

    /// <summary>First unit of slice <paramref name="s"/>.</summary>
    public int Start(int s) => s * MaxUnits;

    /// <summary>Units in slice <paramref name="s"/>.</summary>
    public int Width(int s) => Math.Min(MaxUnits, Hidden - s * MaxUnits);

    /// <summary>Rows of a (G·H, cols) PyTorch-layout matrix in kernel order: <c>dst[j] = src[KernelToTorch[j]]</c>.</summary>
    public float[] ToKernelRows(ReadOnlySpan<float> src, int cols)
        => ToKernelRows(src, cols, GC.AllocateUninitializedArray<float>(src.Length));   // a permutation of the rows: every row is written

    /// <summary>As <see cref="ToKernelRows(ReadOnlySpan{float}, int)"/>, into the first G·H·cols floats of <paramref name="dst"/>; returns it.</summary>
    public float[] ToKernelRows(ReadOnlySpan<float> src, int cols, float[] dst)
    {
        for (int j = 0; j < KernelToTorch.Length; j++)
            src.Slice(KernelToTorch[j] * cols, cols).CopyTo(dst.AsSpan(j * cols, cols));
        return dst;
    }

    /// <summary>Rows of a (G·H, cols) kernel-layout matrix back in PyTorch order.</summary>
    public float[] ToTorchRows(ReadOnlySpan<float> src, int cols) => ToTorchRows(src, cols, 0, cols);

    /// <summary>
    /// Columns [<paramref name="col"/>, col + <paramref name="cols"/>) of a (G·H, <paramref name="stride"/>)
    /// kernel-layout matrix, rows back in PyTorch order, as a dense (G·H, cols) array.
    /// </summary>
    public float[] ToTorchRows(ReadOnlySpan<float> src, int stride, int col, int cols)
    {
        var dst = GC.AllocateUninitializedArray<float>(KernelToTorch.Length * cols);   // a permutation of the rows: every row is written
        for (int j = 0; j < KernelToTorch.Length; j++)
            src.Slice(j * stride + col, cols).CopyTo(dst.AsSpan(KernelToTorch[j] * cols, cols));
        return dst;
    }
}
