namespace SeqPack;

// Shape operations: views, slices and concatenation, each with the gradient rule that routes gradients back.
public sealed partial class Tensor
{
    /// <summary>The same elements with a new shape (one extent may be -1 and is inferred). Shares the buffer.</summary>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var newShape = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < newShape.Length; i++)
        {
            if (newShape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"Reshape: only one extent may be -1; got {Shapes.Format(shape)}.", nameof(shape));
                infer = i;
            }
            else if (newShape[i] < 0) throw new ArgumentException($"Reshape: extent {newShape[i]} is negative in {Shapes.Format(shape)}.", nameof(shape));
            else known *= newShape[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Size % known != 0)
                throw new ArgumentException($"Reshape: cannot infer the -1 in {Shapes.Format(shape)} for {Size} elements (shape {Shapes.Format(this.shape)}).", nameof(shape));
            newShape[infer] = (int)(Size / known);
            known *= newShape[infer];
        }
        if (known != Size)
            throw new ArgumentException($"Reshape: shape {Shapes.Format(shape)} holds {known} elements but the tensor of shape {Shapes.Format(this.shape)} has {Size}.", nameof(shape));
        var inShape = this.shape;
        ShareStorage();   // the view and this tensor share one buffer
        return Autograd.Record(new Tensor(Data, newShape), "Reshape", [this], g =>
        {
            g.ShareStorage();
            return [new Tensor(g.Data, inShape)];
        });
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, with that dimension removed (PyTorch's <c>select</c>).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = Shapes.NormalizeDim(dim, Rank, nameof(dim));
        int n = shape[d];
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Select: index {index} is out of range for dimension {d} of extent {n} (shape {Shapes.Format(shape)}).");
        var narrowed = Narrow(d, i, 1);
        var outShape = shape.Where((_, k) => k != d).ToArray();
        return narrowed.Reshape(outShape);
    }

    /// <summary>The slice [<paramref name="start"/>, start + <paramref name="length"/>) along <paramref name="dim"/> (a copy).</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = Shapes.NormalizeDim(dim, Rank, nameof(dim));
        int n = shape[d];
        if (start < 0 || length < 0 || start + length > n)
            throw new ArgumentOutOfRangeException(nameof(length), $"Narrow: [{start}, {start + length}) is outside dimension {d} of extent {n} (shape {Shapes.Format(shape)}).");
        int outer = Shapes.Product(shape, 0, d), inner = Shapes.Product(shape, d + 1, Rank);
        var r = new float[outer * length * inner];
        for (int o = 0; o < outer; o++)
            Data.AsSpan((o * n + start) * inner, length * inner).CopyTo(r.AsSpan(o * length * inner));
        var outShape = Shape;
        outShape[d] = length;
        var inShape = shape;
        return Autograd.Record(new Tensor(r, outShape), "Narrow", [this], g =>
        {
            var gi = new float[outer * n * inner];
            for (int o = 0; o < outer; o++)
                g.Data.AsSpan(o * length * inner, length * inner).CopyTo(gi.AsSpan((o * n + start) * inner));
            return [new Tensor(gi, inShape)];
        });
    }

    /// <summary>Joins tensors along an existing dimension; all other extents must agree.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Cat: the list of tensors is empty; give at least one.", nameof(tensors));
        for (int i = 0; i < tensors.Count; i++)
            if (tensors[i] is null) throw new ArgumentNullException(nameof(tensors), $"Cat: tensors[{i}] is null.");
        var first = tensors[0];
        if (first.Rank == 0) throw new ArgumentException("Cat: scalars cannot be concatenated; reshape them to 1-D first.", nameof(tensors));
        int d = Shapes.NormalizeDim(dim, first.Rank, nameof(dim));
        int total = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            bool ok = t.Rank == first.Rank;
            for (int k = 0; ok && k < t.Rank; k++) ok = k == d || t.shape[k] == first.shape[k];
            if (!ok)
                throw new ArgumentException($"Cat: tensors[{i}] has shape {Shapes.Format(t.shape)}, which does not match tensors[0]'s {Shapes.Format(first.shape)} outside dimension {d}.", nameof(tensors));
            total += t.shape[d];
        }
        int outer = Shapes.Product(first.shape, 0, d), inner = Shapes.Product(first.shape, d + 1, first.Rank);
        var outShape = first.Shape;
        outShape[d] = total;
        var inputs = tensors.ToArray();
        var r = ResultBuffer(outer * total * inner, Autograd.ShouldRecord(inputs));   // every element is copied from one input
        int offset = 0;
        var offsets = new int[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            int len = t.shape[d];
            offsets[i] = offset;
            for (int o = 0; o < outer; o++)
                t.Data.AsSpan(o * len * inner, len * inner).CopyTo(r.AsSpan((o * total + offset) * inner));
            offset += len;
        }
        return Autograd.Record(new Tensor(r, outShape, recyclable: true), "Cat", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i].RequiresGrad) grads[i] = g.Narrow(d, offsets[i], inputs[i].shape[d]);
            return grads;
        });
    }

    /// <summary>Stacks equal-shaped tensors along a new dimension <paramref name="dim"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack: the list of tensors is empty; give at least one.", nameof(tensors));
        var s = tensors[0]?.shape ?? throw new ArgumentNullException(nameof(tensors), "Stack: tensors[0] is null.");
        int d = Shapes.NormalizeDim(dim, s.Length + 1, nameof(dim));
        var expanded = new Tensor[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Stack: tensors[{i}] is null.");
            if (!Shapes.Equal(t.shape, s))
                throw new ArgumentException($"Stack: tensors[{i}] has shape {Shapes.Format(t.shape)} but tensors[0] has {Shapes.Format(s)}; all must be equal.", nameof(tensors));
            var ns = s.ToList();
            ns.Insert(d, 1);
            expanded[i] = t.Reshape(ns.ToArray());
        }
        return Cat(expanded, d);
    }

    /// <summary>Swaps dimensions <paramref name="dim0"/> and <paramref name="dim1"/> (a copy).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Shapes.NormalizeDim(dim0, Rank, nameof(dim0)), b = Shapes.NormalizeDim(dim1, Rank, nameof(dim1));
        if (a == b) return Reshape(shape);
        var perm = Enumerable.Range(0, Rank).ToArray();
        (perm[a], perm[b]) = (perm[b], perm[a]);
        var r = Permuted(perm);
        return Autograd.Record(r, "Transpose", [this], g => [g.Permuted(perm)]);
    }

    /// <summary>The matrix transpose of a 2-D tensor.</summary>
    public Tensor T()
    {
        if (Rank != 2) throw new InvalidOperationException($"T() needs a 2-D tensor; this one has shape {Shapes.Format(shape)}.");
        return Transpose(0, 1);
    }

    /// <summary>Copies the elements into the dimension order <paramref name="perm"/> (no autograd).</summary>
    internal Tensor Permuted(int[] perm)
    {
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStrides = Shapes.Strides(shape);
        var permStrides = perm.Select(p => inStrides[p]).ToArray();
        var r = new float[Size];
        var index = new int[Rank];
        int src = 0;
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = Data[src];
            for (int k = Rank - 1; k >= 0; k--)
            {
                src += permStrides[k];
                if (++index[k] < outShape[k]) break;
                src -= permStrides[k] * outShape[k];
                index[k] = 0;
            }
        }
        return new Tensor(r, outShape);
    }
}
