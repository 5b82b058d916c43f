using System.Numerics.Tensors;

namespace SeqPack;

// Reductions. The gradient of a sum spreads the incoming gradient back over every summed element.
public sealed partial class Tensor
{
    /// <summary>The sum of all elements, as a scalar tensor.</summary>
    public Tensor Sum()
    {
        var r = Scalar(TensorPrimitives.Sum(Data));
        var inShape = shape;
        return Autograd.Record(r, "Sum", [this], g => [Autograd.Unshared(Full(g.Data[0], inShape))]);
    }

    /// <summary>The mean of all elements, as a scalar tensor.</summary>
    public Tensor Mean()
    {
        if (Size == 0) throw new InvalidOperationException("Mean() of an empty tensor is undefined.");
        var r = Scalar(TensorPrimitives.Sum(Data) / Size);
        var inShape = shape;
        int n = Size;
        return Autograd.Record(r, "Mean", [this], g => [Autograd.Unshared(Full(g.Data[0] / n, inShape))]);
    }

    /// <summary>Sums over dimension <paramref name="dim"/>, keeping it with extent 1 when <paramref name="keepDim"/> is set.</summary>
    public Tensor Sum(int dim, bool keepDim = false)
    {
        int d = Shapes.NormalizeDim(dim, Rank, nameof(dim));
        int outer = Shapes.Product(shape, 0, d), n = shape[d], inner = Shapes.Product(shape, d + 1, Rank);
        var r = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < n; k++)
                TensorPrimitives.Add(r.AsSpan(o * inner, inner), Data.AsSpan((o * n + k) * inner, inner), r.AsSpan(o * inner, inner));
        var outShape = ReducedShape(d, keepDim);
        var inShape = shape;
        return Autograd.Record(new Tensor(r, outShape), "SumDim", [this], g =>
        {
            var gi = new float[outer * n * inner];
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < n; k++)
                    g.Data.AsSpan(o * inner, inner).CopyTo(gi.AsSpan((o * n + k) * inner, inner));
            return [new Tensor(gi, inShape)];
        });
    }

    /// <summary>The mean over dimension <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false)
    {
        int n = Dim(dim);
        if (n == 0) throw new InvalidOperationException($"Mean over dimension {dim} of extent 0 is undefined.");
        return Sum(dim, keepDim).Affine(1f / n);
    }

    private int[] ReducedShape(int d, bool keepDim)
    {
        var list = shape.ToList();
        if (keepDim) list[d] = 1; else list.RemoveAt(d);
        return list.ToArray();
    }
}
