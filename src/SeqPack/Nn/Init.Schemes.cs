namespace SeqPack.Nn;

/// <summary>The named schemes of <c>torch.nn.init</c>: Xavier, Kaiming, orthogonal, and the recurrent practice built on them.</summary>
public static partial class Init
{
    /// <summary>
    /// The recommended gain for <paramref name="nonlinearity"/> (<c>torch.nn.init.calculate_gain</c>);
    /// <paramref name="param"/> is the negative slope of <see cref="Nonlinearity.LeakyRelu"/> (0.01 when null)
    /// and must be null for the others.
    /// </summary>
    public static float CalculateGain(Nonlinearity nonlinearity, float? param = null)
    {
        if (param is not null && nonlinearity != Nonlinearity.LeakyRelu)
            throw new ArgumentException($"CalculateGain: {nonlinearity} takes no parameter; got {param}.", nameof(param));
        switch (nonlinearity)
        {
            case Nonlinearity.Linear or Nonlinearity.Sigmoid: return 1f;
            case Nonlinearity.Tanh: return 5f / 3f;
            case Nonlinearity.Relu: return MathF.Sqrt(2f);
            case Nonlinearity.Selu: return 3f / 4f;
            case Nonlinearity.LeakyRelu:
                float slope = param ?? 0.01f;
                if (!float.IsFinite(slope)) throw new ArgumentException($"CalculateGain: the negative slope must be a finite number; got {slope}.", nameof(param));
                return (float)Math.Sqrt(2.0 / (1 + (double)slope * slope));
            default: throw new ArgumentException($"CalculateGain: unknown nonlinearity {nonlinearity}.", nameof(nonlinearity));
        }
    }

    /// <summary>
    /// PyTorch's <c>_calculate_fan_in_and_fan_out</c>: for a weight of shape (out, in, *k), fan in = in·∏k and
    /// fan out = out·∏k. Needs at least two dimensions.
    /// </summary>
    public static (int FanIn, int FanOut) CalculateFans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        if (shape.Length < 2)
            throw new ArgumentException($"Fan in and fan out need a tensor of at least 2 dimensions; got shape {Shapes.Format(shape)}.", nameof(tensor));
        int receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>Glorot and Bengio (2010): U(−a, a) with a = gain·√(6 / (fanIn + fanOut)) (<c>xavier_uniform_</c>).</summary>
    public static void XavierUniform(Tensor tensor, float gain = 1f, Rng? rng = null)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        Uniform(tensor, (float)(Math.Sqrt(3.0) * std), rng);
    }

    /// <summary>Glorot and Bengio (2010): N(0, std²) with std = gain·√(2 / (fanIn + fanOut)) (<c>xavier_normal_</c>).</summary>
    public static void XavierNormal(Tensor tensor, float gain = 1f, Rng? rng = null)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        NormalScaled(tensor, (float)(gain * Math.Sqrt(2.0 / (fanIn + fanOut))), rng);
    }

    /// <summary>
    /// He et al. (2015): U(−b, b) with b = gain·√(3 / fan), gain = <see cref="CalculateGain"/>(nonlinearity, a)
    /// (<c>kaiming_uniform_</c>; PyTorch's defaults a = 0, fan in, leaky ReLU, so gain √2).
    /// </summary>
    public static void KaimingUniform(Tensor tensor, float a = 0f, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Rng? rng = null)
    {
        double std = KaimingStd(tensor, a, mode, nonlinearity);
        Uniform(tensor, (float)(Math.Sqrt(3.0) * std), rng);
    }

    /// <summary>He et al. (2015): N(0, std²) with std = gain / √fan (<c>kaiming_normal_</c>).</summary>
    public static void KaimingNormal(Tensor tensor, float a = 0f, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Rng? rng = null) =>
        NormalScaled(tensor, (float)KaimingStd(tensor, a, mode, nonlinearity), rng);

    private static double KaimingStd(Tensor tensor, float a, FanMode mode, Nonlinearity nonlinearity)
    {
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"Kaiming init: unknown fan mode {mode}; use FanIn or FanOut.", nameof(mode));
        var (fanIn, fanOut) = CalculateFans(tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0) throw new ArgumentException($"Kaiming init: the {mode} of shape {Shapes.Format(tensor.Shape)} is 0.", nameof(tensor));
        float gain = nonlinearity == Nonlinearity.LeakyRelu ? CalculateGain(nonlinearity, a) : CalculateGain(nonlinearity);
        return gain / Math.Sqrt(fan);
    }

    private static void NormalScaled(Tensor tensor, float std, Rng? rng)
    {
        Normal(tensor, rng);
        System.Numerics.Tensors.TensorPrimitives.Multiply(tensor.AsSpan(), std, tensor.Span);
    }

    /// <summary>
    /// Saxe et al. (2014) as PyTorch's <c>orthogonal_</c>: the tensor viewed as (rows, cols) with
    /// cols = size / rows becomes gain·Q, where Q has orthonormal columns (rows ≥ cols) or rows (rows &lt; cols),
    /// from the QR decomposition of a standard Gaussian matrix with R's diagonal made positive, so that Q is
    /// uniform (Haar) over orthogonal matrices. Needs at least two dimensions.
    /// </summary>
    public static void Orthogonal(Tensor tensor, float gain = 1f, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Shape.Length < 2)
            throw new ArgumentException($"Orthogonal init needs a tensor of at least 2 dimensions; got shape {Shapes.Format(tensor.Shape)}.", nameof(tensor));
        int rows = tensor.Shape[0];
        if (rows == 0 || tensor.Size == 0) return;
        int cols = tensor.Size / rows;
        OrthogonalBlock(tensor.Span, rows, cols, gain, rng ?? Generator);
    }

    /// <summary>
    /// The usual practice for recurrent weights (<c>orthogonal_</c> on each gate's block, as in PyTorch
    /// projects): a weight of shape (gates·H, cols) gets an independent <see cref="Orthogonal"/> (H, cols) block
    /// per gate. Rows must divide evenly by <paramref name="gates"/>.
    /// </summary>
    public static void OrthogonalPerGate(Tensor weight, int gates, float gain = 1f, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Length != 2)
            throw new ArgumentException($"OrthogonalPerGate needs a 2-D weight; got shape {Shapes.Format(weight.Shape)}.", nameof(weight));
        if (gates < 1 || weight.Shape[0] % gates != 0)
            throw new ArgumentException($"OrthogonalPerGate: {weight.Shape[0]} rows do not split into {gates} gate blocks.", nameof(gates));
        int h = weight.Shape[0] / gates, cols = weight.Shape[1];
        var r = rng ?? Generator;
        for (int g = 0; g < gates; g++)
            OrthogonalBlock(weight.Span.Slice(g * h * cols, h * cols), h, cols, gain, r);
    }

    /// <summary>
    /// Re-initialises a recurrent stack the way recurrent models are commonly trained: every <c>weight_hh</c>
    /// orthogonal per gate block, every <c>weight_ih</c> (and LSTM <c>weight_hr</c>) Xavier-uniform, every bias zero.
    /// </summary>
    public static void RecurrentOrthogonal(RnnBase rnn, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(rnn);
        int gates = 0;
        foreach (var (name, p) in rnn.NamedParameters())
        {
            if (name.StartsWith("weight_hh", StringComparison.Ordinal))
            {
                gates = p.Shape[0] / rnn.HiddenSize;
                OrthogonalPerGate(p, gates, 1f, rng);
            }
            else if (name.StartsWith("weight_", StringComparison.Ordinal)) XavierUniform(p, 1f, rng);
            else p.Span.Clear();
        }
    }

    private static void OrthogonalBlock(Span<float> dest, int rows, int cols, float gain, Rng rng)
    {
        // work on the tall orientation (m ≥ n) and transpose back, as PyTorch does
        bool wide = rows < cols;
        int m = wide ? cols : rows, n = wide ? rows : cols;
        var a = new double[m * n];                                   // (m, n), column j at a[i * n + j]
        lock (rng) for (int i = 0; i < a.Length; i++) a[i] = rng.NextNormal();
        // Modified Gram–Schmidt, applied twice per column for stability. Its R has a positive diagonal, which
        // is exactly the sign correction PyTorch applies to torch.linalg.qr's Householder result (the QR
        // factorisation with positive diag R is unique), so Q has the same Haar distribution.
        for (int j = 0; j < n; j++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += a[i * n + k] * a[i * n + j];
                    for (int i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
                }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += a[i * n + j] * a[i * n + j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++) a[i * n + j] /= norm;
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float v = (float)(gain * a[i * n + j]);
                if (wide) dest[j * cols + i] = v; else dest[i * cols + j] = v;
            }
    }
}
