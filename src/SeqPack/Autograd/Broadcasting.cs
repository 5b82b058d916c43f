using System.Numerics.Tensors;

namespace SeqPack;

/// <summary>Elementwise binary maps under NumPy/PyTorch broadcasting, and the reduction that undoes a broadcast in backward.</summary>
internal static class Broadcasting
{
    /// <summary>Strides of <paramref name="inShape"/> laid against <paramref name="outShape"/>: 0 where the input is broadcast.</summary>
    private static int[] AlignedStrides(ReadOnlySpan<int> inShape, ReadOnlySpan<int> outShape)
    {
        var strides = new int[outShape.Length];
        int lead = outShape.Length - inShape.Length;
        int s = 1;
        for (int d = inShape.Length - 1; d >= 0; d--)
        {
            strides[d + lead] = inShape[d] == 1 ? 0 : s;
            s *= inShape[d];
        }
        return strides;
    }

    /// <summary>
    /// Applies <paramref name="spanOp"/> (which works on whole spans: x, y, destination of equal length, or a
    /// scalar y) to broadcast operands. Rows of the innermost dimension are passed as spans so that vectorised
    /// TensorPrimitives kernels do the work.
    /// </summary>
    public static Tensor Map(Tensor a, Tensor b, string opName,
        TensorPrimitivesBinary spanOp, TensorPrimitivesScalar scalarOp, Func<float, float, float> scalar)
    {
        if (Shapes.Equal(a.ShapeSpan, b.ShapeSpan))
        {
            var r = new float[a.Size];
            spanOp(a.Data, b.Data, r);
            return new Tensor(r, a.Shape);
        }
        var outShape = Shapes.Broadcast(a.ShapeSpan, b.ShapeSpan, opName);
        int size = Shapes.Product(outShape, 0, outShape.Length);
        var result = new float[size];
        if (b.Size == 1 && a.Size == size) { scalarOp(a.Data, b.Data[0], result); return new Tensor(result, outShape); }

        var sa = AlignedStrides(a.ShapeSpan, outShape);
        var sb = AlignedStrides(b.ShapeSpan, outShape);
        int rank = outShape.Length;
        int inner = rank == 0 ? 1 : outShape[rank - 1];
        int rows = inner == 0 ? 0 : size / inner;
        var index = new int[Math.Max(rank - 1, 0)];
        int ia = 0, ib = 0;
        int innerA = rank == 0 ? 0 : sa[rank - 1], innerB = rank == 0 ? 0 : sb[rank - 1];
        for (int row = 0; row < rows; row++)
        {
            var dst = result.AsSpan(row * inner, inner);
            if (innerA == 1 && innerB == 1) spanOp(a.Data.AsSpan(ia, inner), b.Data.AsSpan(ib, inner), dst);
            else
                for (int j = 0; j < inner; j++)
                    dst[j] = scalar(a.Data[ia + j * innerA], b.Data[ib + j * innerB]);
            // advance the odometer over the outer dimensions
            for (int d = rank - 2; d >= 0; d--)
            {
                ia += sa[d]; ib += sb[d];
                if (++index[d] < outShape[d]) break;
                ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d];
                index[d] = 0;
            }
        }
        return new Tensor(result, outShape);
    }

    public delegate void TensorPrimitivesBinary(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination);
    public delegate void TensorPrimitivesScalar(ReadOnlySpan<float> x, float y, Span<float> destination);

    /// <summary>Sums <paramref name="grad"/> over the dimensions along which a tensor of <paramref name="shape"/> was broadcast.</summary>
    public static Tensor SumToShape(Tensor grad, ReadOnlySpan<int> shape)
    {
        if (Shapes.Equal(grad.ShapeSpan, shape)) return grad;
        var outShape = grad.ShapeSpan;
        int size = Shapes.Product(shape, 0, shape.Length);
        var result = new float[size];
        if (size == 1) { result[0] = TensorPrimitives.Sum(grad.Data); return new Tensor(result, shape.ToArray()); }
        var st = AlignedStrides(shape, outShape);
        int rank = outShape.Length;
        var index = new int[rank];
        int it = 0;
        for (int i = 0; i < grad.Size; i++)
        {
            result[it] += grad.Data[i];
            for (int d = rank - 1; d >= 0; d--)
            {
                it += st[d];
                if (++index[d] < outShape[d]) break;
                it -= st[d] * outShape[d];
                index[d] = 0;
            }
        }
        return new Tensor(result, shape.ToArray());
    }

    /// <summary>
    /// For every element of <paramref name="outShape"/> (row-major), the flat index of the element of a tensor
    /// of <paramref name="inShape"/> broadcast to it; null when the shapes are equal (the identity). The caller
    /// has checked that <paramref name="inShape"/> broadcasts to <paramref name="outShape"/>.
    /// </summary>
    public static int[]? SourceOffsets(ReadOnlySpan<int> inShape, int[] outShape)
    {
        if (Shapes.Equal(inShape, outShape)) return null;
        var st = AlignedStrides(inShape, outShape);
        int rank = outShape.Length;
        var offsets = new int[Shapes.Product(outShape, 0, rank)];
        var index = new int[rank];
        int src = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = src;
            for (int d = rank - 1; d >= 0; d--)
            {
                src += st[d];
                if (++index[d] < outShape[d]) break;
                src -= st[d] * outShape[d];
                index[d] = 0;
            }
        }
        return offsets;
    }
}
