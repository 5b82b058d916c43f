using System.Globalization;

namespace SeqPack.Optim;

/// <summary>
/// The base of every optimiser: parameter groups, <see cref="Step"/> over parameters that have a gradient,
/// <see cref="ZeroGrad"/>, and per-parameter state that can be saved into and restored from a dictionary of
/// tensors, so that training resumed from a checkpoint makes exactly the same updates.
/// </summary>
/// <remarks>
/// State keys follow PyTorch's <c>state_dict</c> layout flattened into names: <c>state.{i}.{name}</c> for
/// parameter i (counted across groups in order) and <c>param_groups.{g}.lr</c>, <c>.initial_lr</c> and
/// <c>.weight_decay</c> (one-element tensors) for group g.
/// </remarks>
public abstract class Optimizer
{
    private readonly List<ParamGroup> groups = [];
    private readonly List<Dictionary<string, Tensor>> state = [];

    /// <summary>Creates the first parameter group.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, float lr, float weightDecay)
    {
        AddParamGroup(parameters, lr, weightDecay);
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>
    /// Adds a group of parameters with its own learning rate and weight decay (the first group's when
    /// omitted). A parameter may belong to one group only.
    /// </summary>
    public ParamGroup AddParamGroup(IEnumerable<Tensor> parameters, float? lr = null, float? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("The optimiser got an empty parameter list; pass module.Parameters().", nameof(parameters));
        float groupLr = lr ?? groups[0].Lr;
        float wd = weightDecay ?? groups[0].WeightDecay;
        if (!(groupLr >= 0f)) throw new ArgumentException($"Invalid learning rate {groupLr}; it must be a non-negative number.", nameof(lr));
        if (!(wd >= 0f)) throw new ArgumentException($"Invalid weight decay {wd}; it must be a non-negative number.", nameof(weightDecay));
        var seen = new HashSet<Tensor>(groups.SelectMany(g => g.Parameters), ReferenceEqualityComparer.Instance);
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] is null) throw new ArgumentNullException(nameof(parameters), $"parameters[{i}] is null.");
            if (!list[i].IsLeaf) throw new ArgumentException($"parameters[{i}] is not a leaf tensor; an optimiser can only update leaves.", nameof(parameters));
            if (!seen.Add(list[i])) throw new ArgumentException($"parameters[{i}] appears more than once among the optimiser's parameters.", nameof(parameters));
        }
        var group = new ParamGroup(list, groupLr, wd);
        groups.Add(group);
        foreach (var _ in list) state.Add([]);
        return group;
    }

    /// <summary>Applies one update to every parameter whose <see cref="Tensor.Grad"/> is set (others are skipped, as in PyTorch).</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        int index = 0;
        foreach (var group in groups)
        {
            foreach (var p in group.Parameters)
            {
                if (p.Grad is { } grad) Update(group, p, grad.AsSpan(), state[index]);
                index++;
            }
        }
    }

    /// <summary>Clears the gradient of every parameter (sets it to none, PyTorch 2's default).</summary>
    public void ZeroGrad()
    {
        foreach (var group in groups)
            foreach (var p in group.Parameters) p.ZeroGrad();
    }

    /// <summary>
    /// Updates one parameter in place. <paramref name="state"/> is this parameter's own state (empty before the
    /// first update); tensors put there are saved by <see cref="StateDict"/>.
    /// </summary>
    protected abstract void Update(ParamGroup group, Tensor param, ReadOnlySpan<float> grad, Dictionary<string, Tensor> state);

    /// <summary>A snapshot (copies) of the per-parameter state and the group settings, as named tensors.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor>();
        for (int i = 0; i < state.Count; i++)
            foreach (var (name, t) in state[i]) dict[$"state.{i}.{name}"] = t.Clone();
        for (int g = 0; g < groups.Count; g++)
        {
            dict[$"param_groups.{g}.lr"] = Tensor.FromArray([groups[g].Lr], 1);
            dict[$"param_groups.{g}.initial_lr"] = Tensor.FromArray([groups[g].InitialLr], 1);
            dict[$"param_groups.{g}.weight_decay"] = Tensor.FromArray([groups[g].WeightDecay], 1);
        }
        return dict;
    }

    /// <summary>
    /// Restores a <see cref="StateDict"/> taken from an optimiser of the same kind over parameters of the same
    /// shapes. Every key is checked before anything changes; an unknown key or a wrong shape is an error.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var parameters = groups.SelectMany(g => g.Parameters).ToArray();
        var newState = parameters.Select(_ => new Dictionary<string, Tensor>()).ToArray();
        var groupValues = new Dictionary<(int, string), float>();
        foreach (var (key, value) in stateDict)
        {
            if (value is null) throw new ArgumentException($"Optimizer.LoadStateDict: the value for '{key}' is null.", nameof(stateDict));
            var parts = key.Split('.');
            if (parts.Length == 3 && parts[0] == "state" && TryIndex(parts[1], parameters.Length, out int i))
            {
                if (!IsKnownState(parts[2], value, parameters[i]))
                    throw new ArgumentException(
                        $"Optimizer.LoadStateDict: '{key}' of shape {Shapes.Format(value.ShapeSpan)} is not state {GetType().Name} keeps for a parameter of shape {Shapes.Format(parameters[i].ShapeSpan)}.", nameof(stateDict));
                newState[i][parts[2]] = value.Clone();
            }
            else if (parts.Length == 3 && parts[0] == "param_groups" && TryIndex(parts[1], groups.Count, out int g)
                     && parts[2] is "lr" or "initial_lr" or "weight_decay" && value.Size == 1)
                groupValues[(g, parts[2])] = value.AsSpan()[0];
            else
                throw new ArgumentException(
                    $"Optimizer.LoadStateDict: unexpected key '{key}' for {GetType().Name} with {parameters.Length} parameters in {groups.Count} group(s).", nameof(stateDict));
        }
        for (int i = 0; i < newState.Length; i++) { state[i].Clear(); foreach (var kv in newState[i]) state[i].Add(kv.Key, kv.Value); }
        foreach (var ((g, name), v) in groupValues)
        {
            if (name == "lr") groups[g].Lr = v;
            else if (name == "initial_lr") groups[g].InitialLr = v;
            else groups[g].WeightDecay = v;
        }
    }

    /// <summary>Whether <paramref name="name"/> with <paramref name="value"/>'s shape is state this optimiser keeps for <paramref name="param"/>.</summary>
    protected abstract bool IsKnownState(string name, Tensor value, Tensor param);

    private static bool TryIndex(string s, int count, out int index) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < count;

    /// <summary>The elements of state tensor <paramref name="name"/>, created as zeros shaped like <paramref name="param"/> on first use.</summary>
    protected static Span<float> Buffer(Dictionary<string, Tensor> state, string name, Tensor param)
    {
        if (!state.TryGetValue(name, out var t)) state[name] = t = Tensor.Zeros(param.Shape);
        return t.Span;
    }

    /// <summary>Increments and returns the step count kept as a one-element tensor (PyTorch 1.13 keeps <c>step</c> as a float32 tensor too).</summary>
    protected static float NextStep(Dictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("step", out var t)) state["step"] = t = Tensor.Zeros([]);
        return ++t.Span[0];
    }

    /// <summary>True for a state tensor shaped like <paramref name="param"/>.</summary>
    internal static bool ShapedLike(Tensor value, Tensor param) => Shapes.Equal(value.ShapeSpan, param.ShapeSpan);

    /// <summary>Checks a hyperparameter is a finite number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    internal static void CheckRange(float value, float min, float max, string paramName)
    {
        if (!(value >= min && value <= max))
            throw new ArgumentException($"Invalid {paramName} {value}; it must lie in [{min}, {max}].", paramName);
    }
}
