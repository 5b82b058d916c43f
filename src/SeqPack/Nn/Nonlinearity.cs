namespace SeqPack.Nn;

/// <summary>The nonlinearities <see cref="Init.CalculateGain"/> knows (<c>torch.nn.init.calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>Identity (also PyTorch's conv and sigmoid entries): gain 1.</summary>
    Linear,
    /// <summary>Gain 1.</summary>
    Sigmoid,
    /// <summary>Gain 5/3.</summary>
    Tanh,
    /// <summary>Gain √2.</summary>
    Relu,
    /// <summary>Gain √(2 / (1 + slope²)), slope 0.01 unless given.</summary>
    LeakyRelu,
    /// <summary>Gain 3/4.</summary>
    Selu,
}

/// <summary>Which fan <see cref="Init.KaimingUniform"/> and <see cref="Init.KaimingNormal"/> preserve the variance of.</summary>
public enum FanMode
{
    /// <summary>Inputs: the variance of the forward pass.</summary>
    FanIn,
    /// <summary>Outputs: the variance of the backward pass.</summary>
    FanOut,
}
