namespace SeqPack.Nn;

/// <summary>
/// Layer normalisation over the trailing <c>normalizedShape</c> dimensions (PyTorch's <c>nn.LayerNorm</c>):
/// <c>y = (x − mean) / √(var + eps) · weight + bias</c> with the biased variance, per row of
/// <c>D = Π normalizedShape</c> elements. Parameters "weight" (ones) and "bias" (zeros) of that shape when
/// <c>elementwiseAffine</c> is set. Forward and backward are one fused node (statistics in double precision).
/// </summary>
public sealed class LayerNorm : Module, ITensorModule
{
    private readonly int[] normalizedShape;

    /// <summary>The trailing shape normalised over (a copy).</summary>
    public int[] NormalizedShape => (int[])normalizedShape.Clone();

    /// <summary>The value added to the variance.</summary>
    public float Eps { get; }

    /// <summary>The scale, or null without affine parameters.</summary>
    public Tensor? Weight { get; }

    /// <summary>The shift, or null without affine parameters.</summary>
    public Tensor? Bias { get; }

    /// <summary>Normalises over the last dimension of extent <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
        : this([normalizedShape], eps, elementwiseAffine) { }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalizedShape must be non-empty with positive extents; got {Shapes.Format(normalizedShape)}.", nameof(normalizedShape));
        if (!(eps >= 0f)) throw new ArgumentException($"LayerNorm: eps must not be negative; got {eps}.", nameof(eps));
        this.normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape));
        }
    }

    /// <summary>(*, *normalizedShape) → same shape.</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = normalizedShape.Length;
        if (input.Rank < k || !input.ShapeSpan[^k..].SequenceEqual(normalizedShape))
            throw new ArgumentException($"LayerNorm.Forward: input shape {Shapes.Format(input.ShapeSpan)} must end in normalizedShape {Shapes.Format(normalizedShape)}.", nameof(input));
        int d = Shapes.Product(normalizedShape, 0, k);
        int rows = input.Size / d;
        var x = input.AsSpan();
        var w = Weight?.Data;
        var b = Bias?.Data;
        var xhat = new float[input.Size];                      // (rows, D)
        var rstd = new double[rows];                           // (rows)
        var y = new float[input.Size];
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * d, d);
            double mean = 0, var = 0;
            foreach (var v in xr) mean += v;
            mean /= d;
            foreach (var v in xr) var += (v - mean) * (v - mean);
            var /= d;
            rstd[r] = 1.0 / Math.Sqrt(var + Eps);
            for (int j = 0; j < d; j++)
            {
                float h = (float)((xr[j] - mean) * rstd[r]);
                xhat[r * d + j] = h;
                y[r * d + j] = w is null ? h : h * w[j] + b![j];
            }
        }
        Tensor[] inputs = Weight is null ? [input] : [input, Weight, Bias!];
        var weight = Weight;
        return Autograd.Record(new Tensor(y, input.Shape), "LayerNorm", inputs, g =>
        {
            // dx̂ = g·w;  dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂));  dw = Σ_rows g·x̂;  db = Σ_rows g
            var gs = g.AsSpan();
            var ws = weight?.Data;
            var dx = new float[y.Length];
            var dw = new float[d];
            var db = new float[d];
            var dxhat = new double[d];
            for (int r = 0; r < rows; r++)
            {
                double m1 = 0, m2 = 0;
                for (int j = 0; j < d; j++)
                {
                    int i = r * d + j;
                    dxhat[j] = ws is null ? gs[i] : (double)gs[i] * ws[j];
                    m1 += dxhat[j];
                    m2 += dxhat[j] * xhat[i];
                    dw[j] += gs[i] * xhat[i];
                    db[j] += gs[i];
                }
                m1 /= d; m2 /= d;
                for (int j = 0; j < d; j++)
                {
                    int i = r * d + j;
                    dx[i] = (float)(rstd[r] * (dxhat[j] - m1 - xhat[i] * m2));
                }
            }
            return weight is null
                ? [new Tensor(dx, input.Shape)]
                : [new Tensor(dx, input.Shape), new Tensor(dw, NormalizedShape), new Tensor(db, NormalizedShape)];
        });
    }
}
