using SeqPack.Kernels;

namespace SeqPack;

// Matrix products with torch.matmul's shape rules; the arithmetic is one GEMM call per matrix pair.
public sealed partial class Tensor
{
    /// <summary>
    /// The matrix product with <c>torch.matmul</c>'s rules: 1-D·1-D is a dot product; 2-D·2-D is (M, K)·(K, N);
    /// a 1-D operand is treated as a row (left) or column (right) vector and that dimension is removed;
    /// operands of rank 3 or more are batches of matrices whose leading (batch) dimensions broadcast.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: both operands need at least one dimension; got shapes {Shapes.Format(a.shape)} and {Shapes.Format(b.shape)}.");
        // Promote vectors to matrices, multiply, then drop the added dimensions (torch.matmul's rule).
        var a2 = a.Rank == 1 ? a.Reshape(1, a.shape[0]) : a;
        var b2 = b.Rank == 1 ? b.Reshape(b.shape[0], 1) : b;
        var r = BatchedMatMul(a2, b2);
        if (a.Rank == 1 || b.Rank == 1)
        {
            var s = r.shape.ToList();
            if (b.Rank == 1) s.RemoveAt(s.Count - 1);
            if (a.Rank == 1) s.RemoveAt(s.Count - (b.Rank == 1 ? 1 : 2));
            r = r.Reshape(s.ToArray());
        }
        return r;
    }

    private static Tensor BatchedMatMul(Tensor a, Tensor b)
    {
        int m = a.shape[^2], k = a.shape[^1], k2 = b.shape[^2], n = b.shape[^1];
        if (k != k2)
            throw new ArgumentException($"MatMul: inner dimensions differ: {Shapes.Format(a.shape)} x {Shapes.Format(b.shape)} ({k} vs {k2}).");
        var batchA = a.shape[..^2];
        var batchB = b.shape[..^2];
        var batch = Shapes.Broadcast(batchA, batchB, "MatMul");
        int count = Shapes.Product(batch, 0, batch.Length);
        var outShape = batch.Concat(new[] { m, n }).ToArray();
        // Every element is written by the GEMM (beta = 0 never reads C), so the buffer need not be zeroed first.
        var r = GC.AllocateUninitializedArray<float>(count * m * n);
        // Expand the batch dimensions (no copy when they already match) and multiply matrix by matrix.
        var ea = ExpandBatch(a, batch);
        var eb = ExpandBatch(b, batch);
        for (int i = 0; i < count; i++)
            Gemm.Sgemm(false, false, m, n, k, 1f, ea.AsSpan(i * m * k, m * k), k, eb.AsSpan(i * k * n, k * n), n, 0f, r.AsSpan(i * m * n, m * n), n);
        return Autograd.Record(new Tensor(r, outShape), "MatMul", [a, b], g =>
        {
            Tensor? ga = null, gb = null;
            if (a.RequiresGrad)
            {
                // dA = dC · Bᵀ, summed over broadcast batch dimensions
                var da = GC.AllocateUninitializedArray<float>(count * m * k);
                for (int i = 0; i < count; i++)
                    Gemm.Sgemm(false, true, m, k, n, 1f, g.Data.AsSpan(i * m * n, m * n), n, eb.AsSpan(i * k * n, k * n), n, 0f, da.AsSpan(i * m * k, m * k), k);
                ga = Autograd.Unshared(Broadcasting.SumToShape(new Tensor(da, batch.Concat(new[] { m, k }).ToArray()), a.shape));
            }
            if (b.RequiresGrad)
            {
                // dB = Aᵀ · dC
                var db = GC.AllocateUninitializedArray<float>(count * k * n);
                for (int i = 0; i < count; i++)
                    Gemm.Sgemm(true, false, k, n, m, 1f, ea.AsSpan(i * m * k, m * k), k, g.Data.AsSpan(i * m * n, m * n), n, 0f, db.AsSpan(i * k * n, k * n), n);
                gb = Autograd.Unshared(Broadcasting.SumToShape(new Tensor(db, batch.Concat(new[] { k, n }).ToArray()), b.shape));
            }
            return [ga, gb];
        });
    }

    /// <summary>The buffer of <paramref name="t"/> with its batch dimensions broadcast to <paramref name="batch"/>.</summary>
    private static float[] ExpandBatch(Tensor t, int[] batch)
    {
        int rows = t.shape[^2], cols = t.shape[^1];
        var own = t.shape[..^2];
        if (Shapes.Equal(own, batch)) return t.Data;
        var target = batch.Concat(new[] { rows, cols }).ToArray();
        var zero = new Tensor(new float[Shapes.Product(target, 0, target.Length)], target);
        return Broadcasting.Map(zero, t, "MatMul", System.Numerics.Tensors.TensorPrimitives.Add, System.Numerics.Tensors.TensorPrimitives.Add, static (x, y) => x + y).Data;
    }
}
