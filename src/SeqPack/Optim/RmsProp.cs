namespace SeqPack.Optim;

/// <summary>
/// RMSprop (Hinton, lecture 6e of "Neural Networks for Machine Learning"; centred form from Graves 2013,
/// "Generating Sequences With Recurrent Neural Networks") with PyTorch's update order
/// (<c>torch.optim.RMSprop</c>, 1.13 single-tensor path):
/// <code>
/// g = g + weightDecay·p
/// v = α·v + (1 − α)·g²
/// avg = √(v − ḡ²) + eps, with ḡ = α·ḡ + (1 − α)·g   (centered)   |   √v + eps
/// buf = momentum·buf + g / avg;  p = p − lr·buf       (momentum &gt; 0)
/// p = p − lr·g / avg                                 (otherwise)
/// </code>
/// eps is added after the square root, as in PyTorch (TensorFlow adds it inside).
/// State per parameter: <c>step</c>, <c>square_avg</c>, <c>momentum_buffer</c> (momentum &gt; 0) and
/// <c>grad_avg</c> (centered).
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>The smoothing constant of the running mean of squared gradients.</summary>
    public float Alpha { get; }

    /// <summary>The term added to the denominator after the square root.</summary>
    public float Eps { get; }

    /// <summary>The momentum factor (0: none). A one-cycle schedule may change it between steps, as PyTorch's does.</summary>
    public float Momentum { get; internal set; }

    /// <summary>Whether the gradient is normalised by an estimate of its variance instead of its second moment.</summary>
    public bool Centered { get; }

    /// <summary>Creates the optimiser; every hyperparameter must be a non-negative number (alpha at most 1).</summary>
    public RmsProp(IEnumerable<Tensor> parameters, float lr = 1e-2f, float alpha = 0.99f, float eps = 1e-8f,
        float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : base(parameters, lr, weightDecay)
    {
        CheckRange(alpha, 0f, 1f, nameof(alpha));
        CheckRange(eps, 0f, float.MaxValue, nameof(eps));
        CheckRange(momentum, 0f, float.MaxValue, nameof(momentum));
        Alpha = alpha;
        Eps = eps;
        Momentum = momentum;
        Centered = centered;
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, ReadOnlySpan<float> grad, Dictionary<string, Tensor> state)
    {
        NextStep(state);
        var p = param.Span;
        var v = Buffer(state, "square_avg", param);
        var gAvg = Centered ? Buffer(state, "grad_avg", param) : default;
        var buf = Momentum > 0f ? Buffer(state, "momentum_buffer", param) : default;
        float wd = group.WeightDecay, lr = group.Lr, alpha = Alpha, a1 = 1f - Alpha, eps = Eps, mom = Momentum;
        for (int i = 0; i < p.Length; i++)
        {
            float g = wd != 0f ? grad[i] + wd * p[i] : grad[i];
            v[i] = v[i] * alpha + a1 * g * g;
            float avg;
            if (Centered)
            {
                gAvg[i] = gAvg[i] * alpha + a1 * g;
                avg = MathF.Sqrt(v[i] + -1f * gAvg[i] * gAvg[i]) + eps;
            }
            else avg = MathF.Sqrt(v[i]) + eps;
            if (mom > 0f)
            {
                buf[i] = buf[i] * mom + g / avg;
                p[i] += -lr * buf[i];
            }
            else p[i] += -lr * (g / avg);
        }
    }

    /// <inheritdoc/>
    protected override bool IsKnownState(string name, Tensor value, Tensor param) => name switch
    {
        "step" => value.Size == 1,
        "square_avg" => ShapedLike(value, param),
        "grad_avg" => Centered && ShapedLike(value, param),
        "momentum_buffer" => ShapedLike(value, param),
        _ => false,
    };
}
