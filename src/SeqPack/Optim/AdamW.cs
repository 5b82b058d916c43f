namespace SeqPack.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) with PyTorch's update order (<c>torch.optim.AdamW</c>): first the
/// decoupled decay <c>p = p·(1 − lr·weightDecay)</c>, then the step of <see cref="Adam"/> without L2.
/// The default weight decay is 0.01, as in PyTorch. State as for <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>The decay of the first moment.</summary>
    public float Beta1 { get; internal set; }

    /// <summary>The decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>The term added to the denominator.</summary>
    public float Eps { get; }

    /// <summary>Creates the optimiser.</summary>
    public AdamW(IEnumerable<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0.01f)
        : base(parameters, lr, weightDecay)
    {
        Adam.CheckBetas(beta1, beta2, eps);
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, ReadOnlySpan<float> grad, Dictionary<string, Tensor> state) =>
        AdamStep.Apply(param.Span, grad, Buffer(state, "exp_avg", param), Buffer(state, "exp_avg_sq", param), NextStep(state),
            group.Lr, Beta1, Beta2, Eps, group.WeightDecay, decoupled: true);

    /// <inheritdoc/>
    protected override bool IsKnownState(string name, Tensor value, Tensor param) => Adam.IsAdamState(name, value, param);
}
