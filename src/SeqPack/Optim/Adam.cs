namespace SeqPack.Optim;

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch's update order (<c>torch.optim.Adam</c>, 1.13 single-tensor path);
/// weight decay is L2: it is added to the gradient before the moments.
/// <code>
/// t = t + 1
/// g = g + weightDecay·p
/// m = β1·m + (1 − β1)·g
/// v = β2·v + (1 − β2)·g²
/// p = p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
/// </code>
/// State per parameter: <c>step</c> (one-element), <c>exp_avg</c>, <c>exp_avg_sq</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>The decay of the first moment.</summary>
    public float Beta1 { get; internal set; }

    /// <summary>The decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>The term added to the denominator (after the bias-corrected square root, as PyTorch).</summary>
    public float Eps { get; }

    /// <summary>Creates the optimiser.</summary>
    public Adam(IEnumerable<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : base(parameters, lr, weightDecay)
    {
        CheckBetas(beta1, beta2, eps);
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    internal static void CheckBetas(float beta1, float beta2, float eps)
    {
        CheckRange(beta1, 0f, 0.99999994f, nameof(beta1));
        CheckRange(beta2, 0f, 0.99999994f, nameof(beta2));
        CheckRange(eps, 0f, float.MaxValue, nameof(eps));
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, ReadOnlySpan<float> grad, Dictionary<string, Tensor> state) =>
        AdamStep.Apply(param.Span, grad, Buffer(state, "exp_avg", param), Buffer(state, "exp_avg_sq", param), NextStep(state),
            group.Lr, Beta1, Beta2, Eps, group.WeightDecay, decoupled: false);

    /// <inheritdoc/>
    protected override bool IsKnownState(string name, Tensor value, Tensor param) => IsAdamState(name, value, param);

    internal static bool IsAdamState(string name, Tensor value, Tensor param) => name switch
    {
        "step" => value.Size == 1,
        "exp_avg" or "exp_avg_sq" => ShapedLike(value, param),
        _ => false,
    };
}
