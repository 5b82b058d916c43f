namespace SeqPack.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's update order (<c>torch.optim.SGD</c>, single-tensor path):
/// <code>
/// d = g + weightDecay·p
/// buf = d (first step) | momentum·buf + (1 − dampening)·d      (when momentum ≠ 0)
/// d = d + momentum·buf (nesterov) | buf
/// p = p − lr·d
/// </code>
/// State per parameter: <c>momentum_buffer</c> (when momentum ≠ 0).
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>The momentum factor.</summary>
    public float Momentum { get; internal set; }

    /// <summary>The dampening applied to the gradient entering the momentum buffer.</summary>
    public float Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Creates the optimiser; nesterov needs a positive momentum and zero dampening, as in PyTorch.</summary>
    public Sgd(IEnumerable<Tensor> parameters, float lr, float momentum = 0f, float weightDecay = 0f, bool nesterov = false, float dampening = 0f)
        : base(parameters, lr, weightDecay)
    {
        CheckRange(momentum, 0f, float.MaxValue, nameof(momentum));
        CheckRange(dampening, float.MinValue, float.MaxValue, nameof(dampening));
        if (nesterov && (momentum <= 0f || dampening != 0f))
            throw new ArgumentException($"Nesterov momentum requires a positive momentum and zero dampening; got momentum {momentum}, dampening {dampening}.", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group, Tensor param, ReadOnlySpan<float> grad, Dictionary<string, Tensor> state)
    {
        var p = param.Span;
        float wd = group.WeightDecay, lr = group.Lr, mom = Momentum, damp = 1f - Dampening;
        bool first = !state.ContainsKey("momentum_buffer");
        var buf = mom != 0f ? Buffer(state, "momentum_buffer", param) : default;
        for (int i = 0; i < p.Length; i++)
        {
            float d = wd != 0f ? grad[i] + wd * p[i] : grad[i];
            if (mom != 0f)
            {
                buf[i] = first ? d : buf[i] * mom + damp * d;
                d = Nesterov ? d + mom * buf[i] : buf[i];
            }
            p[i] += -lr * d;
        }
    }

    /// <inheritdoc/>
    protected override bool IsKnownState(string name, Tensor value, Tensor param) =>
        name == "momentum_buffer" && Momentum != 0f && ShapedLike(value, param);
}
