using SeqPack.Kernels;

namespace SeqPack.Nn;

/// <summary>
/// <c>y = x·Wᵀ + b</c> over the last dimension (PyTorch's <c>nn.Linear</c>): parameters "weight"
/// (out, in) and "bias" (out), both initialised U(−1/√in, 1/√in) as PyTorch does.
/// </summary>
public sealed class Linear : Module, ITensorModule
{
    /// <summary>Input features (the last dimension of the input).</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>(out, in).</summary>
    public Tensor Weight { get; }

    /// <summary>(out), or null when built without a bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>Builds the layer; the initial values come from <paramref name="rng"/> or <see cref="Init.Generator"/>.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Rng? rng = null)
    {
        if (inFeatures < 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Linear: inFeatures must not be negative.");
        if (outFeatures < 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Linear: outFeatures must not be negative.");
        ParameterSizes.CheckMatrix("Linear", nameof(outFeatures), outFeatures, outFeatures, inFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        float bound = Init.LinearBound(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Init.Uniform(Weight, bound, rng);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
            Init.Uniform(Bias, bound, rng);
        }
    }

    /// <summary>(*, in) → (*, out): one GEMM over all leading rows, bias added in place; a single autograd node.</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Dim(-1) != InFeatures)
            throw new ArgumentException(
                $"Linear.Forward: input shape {Shapes.Format(input.ShapeSpan)} must end in in_features = {InFeatures}.", nameof(input));
        return Functional(input, Weight, Bias);
    }

    /// <summary><c>x·Wᵀ + b</c> for x (*, in), W (out, in), b (out) or null, as one autograd node.</summary>
    internal static Tensor Functional(Tensor x, Tensor w, Tensor? b)
    {
        int inF = w.Dim(1), outF = w.Dim(0);
        int m = Shapes.Product(x.ShapeSpan, 0, x.Rank - 1);
        var outShape = x.Shape;
        outShape[^1] = outF;
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        // Every element is written before it is read: by the GEMM (beta = 0 never reads C), or by the bias rows
        // copied in first, which the GEMM then adds to. Zeroing y first would be one more pass over the output.
        var y = Tensor.ResultBuffer(m * outF, Autograd.ShouldRecord(inputs));   // (M, out)
        if (b is not null)
            for (int r = 0; r < m; r++) b.AsSpan().CopyTo(y.AsSpan(r * outF, outF));
        Gemm.Sgemm(false, true, m, outF, inF, 1f, x.AsSpan(), inF, w.AsSpan(), inF, b is null ? 0f : 1f, y, outF);
        return Autograd.Record(new Tensor(y, outShape, recyclable: true), "Linear", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            if (x.RequiresGrad)
            {
                var dx = GC.AllocateUninitializedArray<float>(m * inF);                                   // dX = dY·W   (M, in)
                Gemm.Sgemm(false, false, m, inF, outF, 1f, g.AsSpan(), outF, w.AsSpan(), inF, 0f, dx, inF);
                grads[0] = Autograd.Unshared(new Tensor(dx, x.Shape));
            }
            if (w.RequiresGrad)
            {
                var dw = GC.AllocateUninitializedArray<float>(outF * inF);                                // dW = dYᵀ·X  (out, in)
                Gemm.Sgemm(true, false, outF, inF, m, 1f, g.AsSpan(), outF, x.AsSpan(), inF, 0f, dw, inF);
                grads[1] = Autograd.Unshared(new Tensor(dw, [outF, inF]));
            }
            if (b is not null && b.RequiresGrad)
            {
                var db = new float[outF];                                         // db = Σ_rows dY (out)
                for (int r = 0; r < m; r++)
                    System.Numerics.Tensors.TensorPrimitives.Add(db, g.AsSpan().Slice(r * outF, outF), db);
                grads[2] = Autograd.Unshared(new Tensor(db, [outF]));
            }
            return grads;
        });
    }
}
