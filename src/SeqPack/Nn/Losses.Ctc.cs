namespace SeqPack.Nn;

// Connectionist temporal classification, PyTorch's ctc_loss; the recursions are in CtcKernel.
public static partial class Losses
{
    /// <summary>
    /// The CTC loss (Graves et al. 2006), as <c>torch.nn.functional.ctc_loss</c>: for each sequence b,
    /// <c>−log p(target_b | x_b)</c> summed over every alignment of the target (blanks between and around its
    /// labels, a blank required between repeated labels) to the first <c>inputLengths[b]</c> steps of
    /// <paramref name="logProbs"/> (T, N, C) (or (T, C) for one sequence). <paramref name="targets"/> holds the
    /// N targets one after another, <c>targetLengths[b]</c> labels each. A target that cannot fit (too long for
    /// its input, counting the blanks its repeats need) costs ∞, or 0 with <paramref name="zeroInfinity"/>
    /// (then also with a zero gradient). <see cref="Reduction.Mean"/> divides each loss by its target length
    /// (at least 1) and averages over the batch; <see cref="Reduction.None"/> returns the N losses.
    /// </summary>
    /// <remarks>
    /// The gradient is PyTorch's: <c>exp(lp) − posterior/exp(lp)</c> per step and class, which assumes
    /// <paramref name="logProbs"/> come from <see cref="Tensor.LogSoftmax"/> (through it, the result is the
    /// exact gradient); steps at or beyond a sequence's input length get 0. An input length of 0 gives a loss
    /// of 0 for an empty target and ∞ otherwise. Sequences run in parallel on up to
    /// <see cref="Compute.Threads"/> threads; the result does not depend on the thread count.
    /// </remarks>
    /// <exception cref="ArgumentException">A shape or count mismatch, a length out of range, targets whose count
    /// differs from the sum of the target lengths, or a label outside [0, C) or equal to <paramref name="blank"/>.</exception>
    public static Tensor Ctc(Tensor logProbs, IReadOnlyList<int> targets, IReadOnlyList<int> inputLengths,
        IReadOnlyList<int> targetLengths, int blank = 0, Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(inputLengths);
        ArgumentNullException.ThrowIfNull(targetLengths);
        bool unbatched = logProbs.Rank == 2;
        if (logProbs.Rank != 3 && !unbatched)
            throw new ArgumentException($"Ctc: logProbs must be (T, N, C) or (T, C); got shape {Shapes.Format(logProbs.ShapeSpan)}.", nameof(logProbs));
        int steps = logProbs.Dim(0), n = unbatched ? 1 : logProbs.Dim(1), c = logProbs.Dim(-1);
        var (starts, inLen, tgtLen) = CheckCtcArguments(targets, inputLengths, targetLengths, steps, n, c, blank);

        var lp = logProbs.Data;
        var alphaOffset = new long[n + 1];
        for (int b = 0; b < n; b++) alphaOffset[b + 1] = alphaOffset[b] + (long)inLen[b] * (2 * tgtLen[b] + 1);
        if (alphaOffset[n] > Array.MaxLength)
            throw new ArgumentException($"Ctc: the forward variables need {alphaOffset[n]} values (Σ inputLengths·(2·targetLengths + 1)), more than one array holds; split the batch.", nameof(logProbs));
        // Every sequence's α, kept for the backward pass; the kernel writes every element.
        var alpha = GC.AllocateUninitializedArray<float>((int)alphaOffset[n]);
        var nll = new double[n];
        var extended = new int[n][];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Compute.Threads }, b =>
        {
            var ext = new int[2 * tgtLen[b] + 1];
            ext.AsSpan().Fill(blank);
            for (int i = 0; i < tgtLen[b]; i++) ext[2 * i + 1] = targets[starts[b] + i];
            extended[b] = ext;
            var a = alpha.AsSpan((int)alphaOffset[b], (int)(alphaOffset[b + 1] - alphaOffset[b]));
            nll[b] = CtcKernel.Forward(lp, n, c, b, inLen[b], ext, a, new CtcKernel.Scratch(ext.Length, c));
        });

        var losses = new float[n];
        for (int b = 0; b < n; b++)
            losses[b] = zeroInfinity && double.IsPositiveInfinity(nll[b]) ? 0f : (float)nll[b];
        Tensor result;
        if (reduction == Reduction.None) result = unbatched ? Tensor.Scalar(losses[0]) : new Tensor(losses, [n]);
        else
        {
            double total = 0;
            for (int b = 0; b < n; b++) total += reduction == Reduction.Sum ? losses[b] : (double)losses[b] / Math.Max(tgtLen[b], 1);
            result = Tensor.Scalar((float)(reduction == Reduction.Sum ? total : total / n));
        }

        var shape = logProbs.Shape;
        return Autograd.Record(result, "Ctc", [logProbs], g =>
        {
            var gs = g.ToArray();
            var grad = new float[lp.Length];
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Compute.Threads }, b =>
            {
                if (inLen[b] == 0 || (zeroInfinity && double.IsPositiveInfinity(nll[b]))) return;
                double scale = reduction switch
                {
                    Reduction.None => gs[unbatched ? 0 : b],
                    Reduction.Sum => gs[0],
                    _ => gs[0] / Math.Max(tgtLen[b], 1) / n,
                };
                var ext = extended[b];
                var a = alpha.AsSpan((int)alphaOffset[b], (int)(alphaOffset[b + 1] - alphaOffset[b]));
                CtcKernel.Backward(lp, n, c, b, inLen[b], ext, a, nll[b], scale, grad, new CtcKernel.Scratch(ext.Length, c));
            });
            return [new Tensor(grad, shape)];
        });
    }

    /// <summary>Checks the CTC arguments against (T, N, C) and returns where each target starts and the lengths as arrays.</summary>
    private static (int[] Starts, int[] InputLengths, int[] TargetLengths) CheckCtcArguments(IReadOnlyList<int> targets,
        IReadOnlyList<int> inputLengths, IReadOnlyList<int> targetLengths, int steps, int n, int c, int blank)
    {
        if ((uint)blank >= (uint)c)
            throw new ArgumentException($"Ctc: blank = {blank} is outside [0, {c}) for {c} classes.", nameof(blank));
        if (inputLengths.Count != n)
            throw new ArgumentException($"Ctc: {inputLengths.Count} input lengths for a batch of {n}; give one per sequence.", nameof(inputLengths));
        if (targetLengths.Count != n)
            throw new ArgumentException($"Ctc: {targetLengths.Count} target lengths for a batch of {n}; give one per sequence.", nameof(targetLengths));
        var starts = new int[n];
        var inLen = new int[n];
        var tgtLen = new int[n];
        long total = 0;
        for (int b = 0; b < n; b++)
        {
            inLen[b] = inputLengths[b];
            tgtLen[b] = targetLengths[b];
            if (inLen[b] < 0 || inLen[b] > steps)
                throw new ArgumentException($"Ctc: inputLengths[{b}] = {inLen[b]} is outside [0, {steps}] (logProbs has {steps} steps).", nameof(inputLengths));
            if (tgtLen[b] < 0)
                throw new ArgumentException($"Ctc: targetLengths[{b}] = {tgtLen[b]} is negative.", nameof(targetLengths));
            starts[b] = (int)Math.Min(total, int.MaxValue);
            total += tgtLen[b];
        }
        if (total != targets.Count)
            throw new ArgumentException($"Ctc: the target lengths add up to {total} but {targets.Count} targets were given; concatenate the N targets in order.", nameof(targets));
        for (int i = 0; i < targets.Count; i++)
            if ((uint)targets[i] >= (uint)c || targets[i] == blank)
                throw new ArgumentException($"Ctc: targets[{i}] = {targets[i]} must be a class in [0, {c}) other than blank ({blank}).", nameof(targets));
        return (starts, inLen, tgtLen);
    }
}
