namespace SeqPack.Optim;

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (Smith and Topin 2018, "Super-Convergence"), stepped once per batch: the rate
/// rises from <c>maxLr / divFactor</c> to <c>maxLr</c> over the first <c>pctStart</c> of
/// <c>totalSteps</c>, then falls to <c>maxLr / divFactor / finalDivFactor</c>. With <c>threePhase</c> it
/// first falls back to the initial rate (symmetrically) and only then to the minimum. With
/// <c>cycleMomentum</c> the momentum moves the opposite way, between <c>maxMomentum</c> and
/// <c>baseMomentum</c>: <see cref="Sgd.Momentum"/>, <see cref="RmsProp.Momentum"/>, or β1 of
/// <see cref="Adam"/>/<see cref="AdamW"/> (PyTorch's <c>betas[0]</c>).
/// </summary>
/// <remarks>
/// Construction sets each group's <see cref="ParamGroup.InitialLr"/> to <c>maxLr / divFactor</c>, as PyTorch
/// sets <c>initial_lr</c>; the schedule is a closed form of the step number, so <see cref="LRScheduler.SetEpoch"/>
/// resumes it exactly. Stepping past <c>totalSteps</c> is an error, as in PyTorch. Momentum is cycled only
/// when this schedule is stepped directly (not when it is a phase of <see cref="SequentialLr"/>).
/// </remarks>
public sealed class OneCycleLR : LRScheduler
{
    private readonly record struct Phase(double EndStep, int StartLr, int EndLr, double StartMomentum, double EndMomentum);

    private readonly Phase[] phases;
    private readonly double divFactor, finalDivFactor;
    private readonly AnnealStrategy anneal;
    private readonly bool cycleMomentum;

    /// <summary>The number of steps in the cycle.</summary>
    public int TotalSteps { get; }

    /// <summary>
    /// Creates the schedule with PyTorch's defaults. Checks: <paramref name="maxLr"/> positive,
    /// <paramref name="totalSteps"/> at least 1, <paramref name="pctStart"/> in [0, 1], the factors positive,
    /// momenta in [0, 1] with base ≤ max, and an optimiser with a momentum when <paramref name="cycleMomentum"/> is set.
    /// </summary>
    public OneCycleLR(Optimizer optimizer, float maxLr, int totalSteps, float pctStart = 0.3f,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true, float baseMomentum = 0.85f,
        float maxMomentum = 0.95f, float divFactor = 25f, float finalDivFactor = 1e4f, bool threePhase = false)
        : base(optimizer)
    {
        if (!(maxLr > 0f && float.IsFinite(maxLr))) throw new ArgumentException($"OneCycleLR: maxLr must be a positive number; got {maxLr}.", nameof(maxLr));
        if (totalSteps < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "OneCycleLR: totalSteps must be at least 1.");
        if (!(pctStart >= 0f && pctStart <= 1f)) throw new ArgumentException($"OneCycleLR: pctStart must lie in [0, 1]; got {pctStart}.", nameof(pctStart));
        if (!Enum.IsDefined(annealStrategy)) throw new ArgumentException($"OneCycleLR: unknown anneal strategy {annealStrategy}; use Cos or Linear.", nameof(annealStrategy));
        if (!(divFactor > 0f && float.IsFinite(divFactor))) throw new ArgumentException($"OneCycleLR: divFactor must be a positive number; got {divFactor}.", nameof(divFactor));
        if (!(finalDivFactor > 0f && float.IsFinite(finalDivFactor))) throw new ArgumentException($"OneCycleLR: finalDivFactor must be a positive number; got {finalDivFactor}.", nameof(finalDivFactor));
        if (cycleMomentum)
        {
            if (!(baseMomentum >= 0f && maxMomentum <= 1f && baseMomentum <= maxMomentum))
                throw new ArgumentException($"OneCycleLR: momenta must satisfy 0 ≤ baseMomentum ≤ maxMomentum ≤ 1; got {baseMomentum} and {maxMomentum}.", nameof(baseMomentum));
            if (optimizer is not (Sgd or RmsProp or Adam or AdamW))
                throw new ArgumentException($"OneCycleLR: {optimizer.GetType().Name} has no momentum to cycle; pass cycleMomentum: false.", nameof(cycleMomentum));
        }
        TotalSteps = totalSteps;
        anneal = annealStrategy;
        this.cycleMomentum = cycleMomentum;
        this.divFactor = divFactor;
        this.finalDivFactor = finalDivFactor;
        // lr indices: 0 initial, 1 max, 2 min; phase boundaries exactly as PyTorch computes them (as doubles)
        double up = (double)pctStart * totalSteps - 1;
        phases = threePhase
            ? [new(up, 0, 1, maxMomentum, baseMomentum), new(2 * (double)pctStart * totalSteps - 2, 1, 0, baseMomentum, maxMomentum),
               new(totalSteps - 1, 0, 2, maxMomentum, maxMomentum)]
            : [new(up, 0, 1, maxMomentum, baseMomentum), new(totalSteps - 1, 1, 2, baseMomentum, maxMomentum)];
        foreach (var g in optimizer.ParamGroups) g.InitialLr = (float)(maxLr / divFactor);
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) => Compute(epoch, [initialLr, initialLr * divFactor, initialLr / finalDivFactor]).Lr;

    /// <inheritdoc/>
    protected override void OnEpochSet(int epoch)
    {
        if (!cycleMomentum) return;
        float m = (float)Compute(epoch, [0, 0, 0]).Momentum;
        switch (Optimizer)
        {
            case Sgd s: s.Momentum = m; break;
            case RmsProp r: r.Momentum = m; break;
            case Adam a: a.Beta1 = m; break;
            case AdamW w: w.Beta1 = m; break;
        }
    }

    /// <summary>PyTorch's <c>get_lr</c>: find the phase holding <paramref name="step"/> and anneal within it.</summary>
    private (double Lr, double Momentum) Compute(int step, double[] lrs)
    {
        if (step > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: tried to step {step} times; the schedule has {TotalSteps} total steps.");
        double start = 0;
        for (int i = 0; i < phases.Length; i++)
        {
            var ph = phases[i];
            if (step <= ph.EndStep || i == phases.Length - 1)
            {
                double pct = (step - start) / (ph.EndStep - start);
                return (Anneal(lrs[ph.StartLr], lrs[ph.EndLr], pct), Anneal(ph.StartMomentum, ph.EndMomentum, pct));
            }
            start = ph.EndStep;
        }
        throw new InvalidOperationException("unreachable: the last phase always matches");
    }

    private double Anneal(double start, double end, double pct) => anneal == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;
}
