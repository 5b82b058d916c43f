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
    public static Tensor MatMul(Tensor a, Tensor b) => MatMulCore(a, b, destination: null);

    /// <summary>
    /// <see cref="MatMul(Tensor, Tensor)"/> written into <paramref name="destination"/>, which is returned
    /// (PyTorch's <c>torch.matmul(a, b, out=destination)</c>). A destination reused from call to call spares the
    /// new output every call otherwise allocates: a large new array is memory the GC has often just taken back
    /// from the operating system, and writing it the first time faults its pages in one by one.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> does not have the product's shape, shares its storage with
    /// <paramref name="a"/> or <paramref name="b"/>, or requires a gradient or has a recorded history; or
    /// recording is on (<see cref="Autograd.IsEnabled"/>) and <paramref name="a"/> or <paramref name="b"/> requires
    /// a gradient: a product written into an existing tensor records no gradient, as in PyTorch.
    /// </exception>
    public static Tensor MatMul(Tensor a, Tensor b, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return MatMulCore(a, b, destination);
    }

    private static Tensor MatMulCore(Tensor a, Tensor b, Tensor? destination)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: both operands need at least one dimension; got shapes {Shapes.Format(a.shape)} and {Shapes.Format(b.shape)}.");
        // Promote vectors to matrices, multiply, then drop the added dimensions (torch.matmul's rule).
        var a2 = a.Rank == 1 ? a.Reshape(1, a.shape[0]) : a;
        var b2 = b.Rank == 1 ? b.Reshape(b.shape[0], 1) : b;
        if (destination is not null) CheckDestination(a, b, a2, b2, destination);
        var r = BatchedMatMul(a2, b2, destination?.Data);
        if (destination is not null) return destination;
        if (a.Rank == 1 || b.Rank == 1) r = r.Reshape(DropVectorDimensions(r.shape, a.Rank, b.Rank));
        return r;
    }

    /// <summary>The product's shape without the dimensions added for 1-D operands.</summary>
    private static int[] DropVectorDimensions(int[] shape, int rankA, int rankB)
    {
        var s = shape.ToList();
        if (rankB == 1) s.RemoveAt(s.Count - 1);
        if (rankA == 1) s.RemoveAt(s.Count - (rankB == 1 ? 1 : 2));
        return s.ToArray();
    }

    private static void CheckDestination(Tensor a, Tensor b, Tensor a2, Tensor b2, Tensor destination)
    {
        if (Autograd.ShouldRecord(a, b))
            throw new ArgumentException(
                "MatMul: a product written into a destination records no gradient, but an operand requires one; call it inside Autograd.NoGrad(), on detached operands, or use MatMul(a, b).",
                nameof(destination));
        if (destination.RequiresGrad || !destination.IsLeaf)
            throw new ArgumentException(
                "MatMul: the destination requires a gradient or has a recorded history, which overwriting it would invalidate; pass a tensor made outside autograd (Tensor.Zeros) or a detached one.",
                nameof(destination));
        if (destination.Size > 0 && (ReferenceEquals(destination.Data, a.Data) || ReferenceEquals(destination.Data, b.Data)))
            throw new ArgumentException(
                "MatMul: the destination shares its storage with an operand, which the product would overwrite while reading it; pass a separate tensor.",
                nameof(destination));
        int m = a2.shape[^2], k = a2.shape[^1], k2 = b2.shape[^2], n = b2.shape[^1];
        if (k != k2) return;   // BatchedMatMul reports the mismatch
        var batch = Shapes.Broadcast(a2.shape[..^2], b2.shape[..^2], "MatMul");
        var expected = DropVectorDimensions(batch.Concat(new[] { m, n }).ToArray(), a.Rank, b.Rank);
        if (!Shapes.Equal(destination.shape, expected))
            throw new ArgumentException(
                $"MatMul: the destination has shape {Shapes.Format(destination.shape)} but {Shapes.Format(a.shape)} x {Shapes.Format(b.shape)} is {Shapes.Format(expected)}; pass a tensor of that shape.",
                nameof(destination));
    }

    /// <summary>The batched product, into <paramref name="into"/> (then not recorded) or a new array.</summary>
    private static Tensor BatchedMatMul(Tensor a, Tensor b, float[]? into)
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
        var r = into ?? ResultBuffer(count * m * n, Autograd.ShouldRecord(a, b));
        // Expand the batch dimensions (no copy when they already match) and multiply matrix by matrix.
        var ea = ExpandBatch(a, batch);
        var eb = ExpandBatch(b, batch);
        for (int i = 0; i < count; i++)
            Gemm.Sgemm(false, false, m, n, k, 1f, ea.AsSpan(i * m * k, m * k), k, eb.AsSpan(i * k * n, k * n), n, 0f, r.AsSpan(i * m * n, m * n), n);
        if (into is not null) return new Tensor(r, outShape);   // the destination's storage; not recorded
        return Autograd.Record(new Tensor(r, outShape, recyclable: true), "MatMul", [a, b], g =>
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
