namespace SeqPack.Nn;

/// <summary>
/// The base of every layer: named parameters (PyTorch's naming, nested modules joined with '.'), state
/// dictionaries, and the training/evaluation switch.
/// </summary>
/// <remarks>
/// Subclasses register their parameters and child modules in their constructors, in the order PyTorch
/// registers them, so that <see cref="NamedParameters"/> and <see cref="StateDict"/> list keys in PyTorch's
/// order. Buffers are state that is saved but not trained.
/// </remarks>
public abstract class Module
{
    private readonly List<(string Name, Tensor Value)> parameters = [];
    private readonly List<(string Name, Tensor Value)> buffers = [];
    private readonly List<(string Name, Module Value)> children = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Switches this module and every child to training (<paramref name="on"/> true) or evaluation mode.</summary>
    public void Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in children) child.Train(on);
    }

    /// <summary>Switches this module and every child to evaluation mode (no dropout).</summary>
    public void Eval() => Train(false);

    /// <summary>Registers a trainable parameter under <paramref name="name"/>; it is marked as requiring a gradient.</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.RequiresGrad = true;
        parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Registers saved, untrained state under <paramref name="name"/>.</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(buffer);
        buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module whose parameters appear as <c>name.childParameter</c>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(module);
        children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"A parameter, buffer or module name must be non-empty and contain no '.'; got '{name}'.", nameof(name));
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"The name '{name}' is already registered on {GetType().Name}.", nameof(name));
    }

    /// <summary>Every parameter with its full dotted name, this module's first, then each child's in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach (var p in parameters) yield return p;
        foreach (var (prefix, child) in children)
            foreach (var (name, p) in child.NamedParameters())
                yield return ($"{prefix}.{name}", p);
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its full dotted name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var b in buffers) yield return b;
        foreach (var (prefix, child) in children)
            foreach (var (name, b) in child.NamedBuffers())
                yield return ($"{prefix}.{name}", b);
    }

    /// <summary>The number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Size);

    /// <summary>
    /// Parameters and buffers by their PyTorch key. The tensors are the module's own (as PyTorch's
    /// <c>state_dict</c> returns references); clone them to keep a snapshot.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = p;
        foreach (var (name, b) in NamedBuffers()) state[name] = b;
        return state;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's parameters and buffers. With
    /// <paramref name="strict"/> (the default) a missing or unexpected key is an error; a wrong shape always is.
    /// Nothing is modified unless the whole dictionary checks out.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        if (strict)
        {
            var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
            var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException(
                    $"LoadStateDict on {GetType().Name}: " +
                    (missing.Count > 0 ? $"missing key(s) {string.Join(", ", missing.Select(k => $"'{k}'"))}" : "") +
                    (missing.Count > 0 && unexpected.Count > 0 ? "; " : "") +
                    (unexpected.Count > 0 ? $"unexpected key(s) {string.Join(", ", unexpected.Select(k => $"'{k}'"))}" : "") +
                    ". Pass strict: false to load a partial state.", nameof(state));
        }
        foreach (var (key, target) in own)
        {
            if (!state.TryGetValue(key, out var source)) continue;
            if (source is null) throw new ArgumentException($"LoadStateDict: the value for key '{key}' is null.", nameof(state));
            if (!Shapes.Equal(source.ShapeSpan, target.ShapeSpan))
                throw new ArgumentException(
                    $"LoadStateDict: key '{key}' has shape {Shapes.Format(source.ShapeSpan)} in the state but {Shapes.Format(target.ShapeSpan)} in the module.", nameof(state));
        }
        foreach (var (key, target) in own)
            if (state.TryGetValue(key, out var source)) source.AsSpan().CopyTo(target.Span);
    }
}
