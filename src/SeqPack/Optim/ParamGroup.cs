namespace SeqPack.Optim;

/// <summary>
/// Parameters that share a learning rate and weight decay (PyTorch's <c>param_groups</c> entry). Schedules
/// change <see cref="Lr"/>; <see cref="InitialLr"/> is the value they scale from.
/// </summary>
public sealed class ParamGroup
{
    internal ParamGroup(Tensor[] parameters, float lr, float weightDecay)
    {
        Parameters = parameters;
        Lr = lr;
        InitialLr = lr;
        WeightDecay = weightDecay;
    }

    /// <summary>The parameters of this group, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current learning rate.</summary>
    public float Lr { get; set; }

    /// <summary>The learning rate the group was created with (PyTorch's <c>initial_lr</c>).</summary>
    public float InitialLr { get; internal set; }

    /// <summary>The weight-decay coefficient (L2 for Sgd and Adam, decoupled for AdamW).</summary>
    public float WeightDecay { get; set; }
}
