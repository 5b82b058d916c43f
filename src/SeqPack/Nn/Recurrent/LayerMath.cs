using System.Numerics.Tensors;
using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// The GEMM-shaped pieces shared by the fused recurrent layers: the input projection over all rows, the
/// weight gradients over all rows, and the counter of rows the time loops process.
/// </summary>
internal static class LayerMath
{
    [ThreadStatic] private static long rowsProcessed;

    /// <summary>
    /// Rows processed by the recurrent time loops on this thread (forward and backward each count every row
    /// they update). On packed input one forward adds exactly the sum of the lengths per layer and direction.
    /// </summary>
    public static long RowsProcessed => rowsProcessed;

    /// <summary>Adds to <see cref="RowsProcessed"/>.</summary>
    public static void CountRows(long rows) => rowsProcessed += rows;

    /// <summary>
    /// The input projection for every row at once: <c>gates = x·W_ihᵀ + bias</c> with <c>bias</c> the sum of
    /// the biases given (broadcast over rows). One GEMM with M = rows.
    /// </summary>
    /// <param name="x">(rows, inputSize)</param>
    /// <param name="wIh">(gateCols, inputSize)</param>
    /// <param name="bias">(gateCols) or empty for none.</param>
    /// <param name="gates">(rows, gateCols), overwritten.</param>
    public static void InputProjection(int rows, int gateCols, int inputSize, ReadOnlySpan<float> x,
        ReadOnlySpan<float> wIh, ReadOnlySpan<float> bias, Span<float> gates)
    {
        if (bias.IsEmpty)
        {
            Gemm.Sgemm(false, true, rows, gateCols, inputSize, 1f, x, inputSize, wIh, inputSize, 0f, gates, gateCols);
            return;
        }
        for (int r = 0; r < rows; r++) bias.CopyTo(gates.Slice(r * gateCols, gateCols));
        Gemm.Sgemm(false, true, rows, gateCols, inputSize, 1f, x, inputSize, wIh, inputSize, 1f, gates, gateCols);
    }

    /// <summary>Sums of the columns: <c>sum[j] = Σ_r m[r, ld·r + j]</c> for j below <paramref name="cols"/>.</summary>
    public static float[] ColumnSums(int rows, int cols, ReadOnlySpan<float> m, int ld)
    {
        var sum = new float[cols];
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sum, m.Slice(r * ld, cols), sum);
        return sum;
    }

    /// <summary>The sum of two bias vectors (either may be null); empty when both are.</summary>
    public static float[] BiasSum(Tensor? bIh, Tensor? bHh)
    {
        if (bIh is null && bHh is null) return [];
        var sum = new float[(bIh ?? bHh)!.Size];
        if (bIh is not null) TensorPrimitives.Add(sum, bIh.Data, sum);
        if (bHh is not null) TensorPrimitives.Add(sum, bHh.Data, sum);
        return sum;
    }

    /// <summary>dW (m, k) = dOutᵀ·In over all rows: one GEMM. Null when <paramref name="weight"/> needs no gradient.</summary>
    internal static Tensor? WeightGrad(Tensor weight, int m, int k, int rows, ReadOnlySpan<float> dOut, ReadOnlySpan<float> input)
    {
        if (!weight.RequiresGrad) return null;
        var dw = GC.AllocateUninitializedArray<float>(m * k);   // beta = 0 writes every element (k = 0 rows: cleared)
        Gemm.Sgemm(true, false, m, k, rows, 1f, dOut, m, input, k, 0f, dw, k);
        return Autograd.Unshared(new Tensor(dw, [m, k]));
    }
}
