namespace SeqPack.Nn;

/// <summary>
/// Modules applied one after another (PyTorch's <c>nn.Sequential</c>): the output of stage i is the input of
/// stage i + 1. Stages are registered under their position, so parameters are named <c>"0.weight"</c>,
/// <c>"2.bias"</c>, … exactly as PyTorch names them, and a state dictionary moves between the two.
/// </summary>
public sealed class Sequential : Module, ITensorModule
{
    private readonly ITensorModule[] stages;

    /// <summary>
    /// Holds <paramref name="modules"/> in order. Each must be a <see cref="Module"/> that implements
    /// <see cref="ITensorModule"/> (Linear, Dropout, LayerNorm, Activation, Sequential, or your own).
    /// </summary>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        stages = new ITensorModule[modules.Length];
        for (int i = 0; i < modules.Length; i++)
        {
            if (modules[i] is null) throw new ArgumentNullException(nameof(modules), $"Sequential: modules[{i}] is null.");
            if (modules[i] is not ITensorModule stage)
                throw new ArgumentException(
                    $"Sequential: modules[{i}] is a {modules[i].GetType().Name}, which does not map a tensor to a tensor (ITensorModule); " +
                    "call it outside the Sequential or wrap it in a module that does.", nameof(modules));
            stages[i] = stage;
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), modules[i]);
        }
    }

    /// <summary>The number of stages.</summary>
    public int Count => stages.Length;

    /// <summary>Stage <paramref name="index"/>.</summary>
    public Module this[int index] => index >= 0 && index < stages.Length
        ? (Module)stages[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Sequential has {stages.Length} stages.");

    /// <summary>Runs every stage in order (no stages: the input itself).</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        foreach (var stage in stages) x = stage.Forward(x);
        return x;
    }
}
