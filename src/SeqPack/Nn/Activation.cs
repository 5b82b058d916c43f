namespace SeqPack.Nn;

/// <summary>
/// An elementwise nonlinearity as a parameterless module (PyTorch's <c>nn.Tanh</c>, <c>nn.ReLU</c>,
/// <c>nn.Sigmoid</c>), so that it can sit between layers in a <see cref="Sequential"/>.
/// </summary>
public sealed class Activation : Module, ITensorModule
{
    private readonly Func<Tensor, Tensor> function;

    private Activation(string name, Func<Tensor, Tensor> function)
    {
        Name = name;
        this.function = function;
    }

    /// <summary>The nonlinearity's name.</summary>
    public string Name { get; }

    /// <summary>tanh(x).</summary>
    public static Activation Tanh() => new("Tanh", x => x.Tanh());

    /// <summary>max(x, 0).</summary>
    public static Activation Relu() => new("ReLU", x => x.Relu());

    /// <summary>1 / (1 + e^−x).</summary>
    public static Activation Sigmoid() => new("Sigmoid", x => x.Sigmoid());

    /// <summary>Applies the nonlinearity elementwise.</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return function(input);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
