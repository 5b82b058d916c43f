namespace SeqPack;

/// <summary>
/// Reverse-mode automatic differentiation: recording operations, the backward pass, and no-grad scopes.
/// </summary>
/// <remarks>
/// The graph is made of <see cref="GradNode"/>s hanging off the tensors they produced. <see cref="Backward"/>
/// sorts the nodes reachable from its roots topologically (an iterative depth-first search, so long
/// recurrent graphs do not overflow the stack) and visits them once each in reverse order, summing the
/// gradient every output received before calling the node's rule. Leaves that require a gradient accumulate
/// it into <see cref="Tensor.Grad"/>, as PyTorch does with <c>.grad</c>. Nothing is recorded inside a
/// <see cref="NoGrad"/> scope or when no input of an operation requires a gradient.
/// </remarks>
public static class Autograd
{
    [ThreadStatic] private static int noGradDepth;

    /// <summary>True when operations on this thread are being recorded (no <see cref="NoGrad"/> scope is active).</summary>
    public static bool IsEnabled => noGradDepth == 0;

    /// <summary>Stops recording on this thread until the returned scope is disposed (PyTorch's <c>torch.no_grad()</c>).</summary>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>The scope returned by <see cref="NoGrad"/>; dispose it to resume recording.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Ends this scope: recording resumes once every enclosing <see cref="NoGrad"/> scope on this thread is disposed too.</summary>
        public void Dispose() => noGradDepth--;
    }

    /// <summary>True when an operation on these inputs must be recorded.</summary>
    internal static bool ShouldRecord(params ReadOnlySpan<Tensor> inputs)
    {
        if (noGradDepth != 0) return false;
        foreach (var t in inputs)
            if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Records a single-output operation: when any input requires a gradient (and recording is on),
    /// <paramref name="output"/> gets a node whose rule maps the output's gradient to one gradient per input.
    /// Returns <paramref name="output"/>.
    /// </summary>
    internal static Tensor Record(Tensor output, string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (ShouldRecord(inputs))
            output.SetHistory(new GradNode(op, inputs, 1, g => backward(g[0]!)), 0);
        return output;
    }

    /// <summary>
    /// Records an operation with several outputs as one node (fused layers). The rule receives one gradient
    /// per output (null where an output received none) and returns one per input.
    /// </summary>
    internal static void Record(Tensor[] outputs, string op, Tensor[] inputs, Func<Tensor?[], Tensor?[]> backward)
    {
        if (!ShouldRecord(inputs)) return;
        var node = new GradNode(op, inputs, outputs.Length, backward);
        for (int i = 0; i < outputs.Length; i++) outputs[i].SetHistory(node, i);
    }

    /// <summary>
    /// Computes the gradients of <paramref name="tensors"/> with respect to every leaf that requires a gradient,
    /// seeding each with the matching entry of <paramref name="gradients"/>, and accumulates them into the leaves'
    /// <see cref="Tensor.Grad"/>.
    /// </summary>
    public static void Backward(IReadOnlyList<Tensor> tensors, IReadOnlyList<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(gradients);
        if (tensors.Count != gradients.Count)
            throw new ArgumentException($"Backward: {tensors.Count} tensors but {gradients.Count} gradients; give one gradient per tensor.", nameof(gradients));
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensors[{i}] is null.");
            var g = gradients[i] ?? throw new ArgumentNullException(nameof(gradients), $"gradients[{i}] is null.");
            if (!t.RequiresGrad)
                throw new ArgumentException($"Backward: tensors[{i}] does not require a gradient and has no history; set RequiresGrad on the leaves you want gradients for.", nameof(tensors));
            if (!Shapes.Equal(t.ShapeSpan, g.ShapeSpan))
                throw new ArgumentException($"Backward: gradients[{i}] has shape {Shapes.Format(g.ShapeSpan)} but tensors[{i}] has shape {Shapes.Format(t.ShapeSpan)}.", nameof(gradients));
        }

        var pending = new Dictionary<GradNode, Tensor?[]>(ReferenceEqualityComparer.Instance);
        var writable = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        using var _ = NoGrad();
        for (int i = 0; i < tensors.Count; i++)
            Deliver(tensors[i], gradients[i], pending, writable);

        foreach (var node in TopologicalOrder(tensors))
        {
            if (!pending.Remove(node, out var outputGrads)) continue;
            // The rule may pass these tensors on unchanged (Add gives its gradient to both inputs), so from here
            // on nothing may write into them: another sum for either input would change the other one too.
            foreach (var g in outputGrads)
                if (g is not null) writable.Remove(g.Data);
            var inputGrads = node.Backward(outputGrads);
            if (inputGrads.Length != node.Inputs.Length)
                throw new InvalidOperationException($"The gradient rule of '{node.Op}' returned {inputGrads.Length} gradients for {node.Inputs.Length} inputs.");
            for (int i = 0; i < inputGrads.Length; i++)
            {
                var input = node.Inputs[i];
                var g = inputGrads[i];
                if (g is null || !input.RequiresGrad) continue;
                if (!Shapes.Equal(g.ShapeSpan, input.ShapeSpan))
                    throw new InvalidOperationException($"The gradient rule of '{node.Op}' returned shape {Shapes.Format(g.ShapeSpan)} for input {i} of shape {Shapes.Format(input.ShapeSpan)}.");
                Deliver(input, g, pending, writable);
            }
        }
    }

    /// <summary>
    /// Marks a gradient that a rule has just allocated, keeps no reference to, and shares with no other tensor
    /// it returns, and returns it. The engine may then keep the buffer itself, as a leaf's <see cref="Tensor.Grad"/>
    /// or as the running sum of a node output, instead of copying it (PyTorch's AccumulateGrad likewise steals
    /// a gradient that nothing else references).
    /// </summary>
    internal static Tensor? Unshared(Tensor? g)
    {
        if (g is not null) g.GradientUnshared = true;
        return g;
    }

    /// <summary>
    /// Routes a gradient to a leaf's <see cref="Tensor.Grad"/> or to the pending sum of the node output that
    /// made the tensor. A gradient from a rule may share its buffer with other gradients (a rule can pass one on
    /// unchanged, or return the same tensor for two inputs), so the engine writes only into buffers in
    /// <paramref name="writable"/>: sums it allocated and gradients marked <see cref="Unshared"/>, each
    /// referenced by one pending sum or one leaf's <see cref="Tensor.Grad"/> alone. Anything else is kept by
    /// reference and copied on the first write (a second gradient for the same output allocates the sum).
    /// </summary>
    private static void Deliver(Tensor t, Tensor g, Dictionary<GradNode, Tensor?[]> pending, HashSet<float[]> writable)
    {
        bool unshared = g.GradientUnshared;
        g.GradientUnshared = false;   // a buffer is adopted at most once
        if (writable.Contains(g.Data))
        {
            // Already adopted (a rule returned the same tensor twice): the engine writes into that buffer elsewhere.
            g = g.Clone();
            unshared = true;
        }
        if (t.Node is null)
        {
            if (!t.RequiresGrad) return;
            if (t.Grad is null)
            {
                t.Grad = unshared ? g : g.Clone();   // .Grad is the user's: it must not alias anything
                writable.Add(t.Grad.Data);
            }
            else AddInto(t.Grad, g);
            return;
        }
        if (!pending.TryGetValue(t.Node, out var slots))
            pending[t.Node] = slots = new Tensor?[t.Node.OutputCount];
        ref var slot = ref slots[t.OutputIndex];
        if (slot is null)
        {
            slot = g;
            if (unshared) writable.Add(g.Data);
        }
        else if (writable.Contains(slot.Data)) AddInto(slot, g);
        else
        {
            var sum = GC.AllocateUninitializedArray<float>(g.Size);
            System.Numerics.Tensors.TensorPrimitives.Add(slot.Data, g.Data, sum);
            slot = new Tensor(sum, g.Shape);
            writable.Add(sum);
        }
    }

    private static void AddInto(Tensor target, Tensor g) =>
        System.Numerics.Tensors.TensorPrimitives.Add(target.Data, g.Data, target.Data);

    /// <summary>The nodes reachable from <paramref name="roots"/>, each after every node that consumes its outputs.</summary>
    private static List<GradNode> TopologicalOrder(IReadOnlyList<Tensor> roots)
    {
        var visited = new HashSet<GradNode>(ReferenceEqualityComparer.Instance);
        var postOrder = new List<GradNode>();
        var stack = new Stack<(GradNode Node, int NextInput)>();
        foreach (var root in roots)
        {
            if (root.Node is null || !visited.Add(root.Node)) continue;
            stack.Push((root.Node, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Inputs.Length)
                {
                    stack.Push((node, next + 1));
                    var child = node.Inputs[next].Node;
                    if (child is not null && visited.Add(child)) stack.Push((child, 0));
                }
                else postOrder.Add(node);
            }
        }
        postOrder.Reverse();
        return postOrder;
    }
}

public sealed partial class Tensor
{
    /// <summary>
    /// Back-propagates from this tensor. <paramref name="gradient"/> (same shape as this tensor) may be omitted
    /// only for a one-element tensor, where it defaults to 1.
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (gradient is null)
        {
            if (Size != 1)
                throw new ArgumentException($"Backward() without a gradient needs a one-element tensor; this one has shape {Shapes.Format(shape)}. Pass a gradient of the same shape.", nameof(gradient));
            gradient = Full(1f, shape);
        }
        Autograd.Backward([this], [gradient]);
    }
}
