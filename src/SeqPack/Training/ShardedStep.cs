using SeqPack.Data;
using SeqPack.Distributed;
using SeqPack.Models;
using SeqPack.Optim;

namespace SeqPack.Training;

/// <summary>
/// The forward and backward pass of one global batch. Alone, the whole batch; across ranks, this rank's share of
/// <see cref="BatchSharding.Split"/> with its mean loss scaled by share/global count, so that the summed
/// gradients (<see cref="GradientReduction.Sum"/>) are those of the global mean, and with the share's place in the
/// global batch (<see cref="BatchShare"/>), so that every dropout draws the whole batch's mask and keeps the share's
/// rows: the update equals the single-process update up to summation order, and every rank's dropout generators
/// advance as one process's do.
/// </summary>
internal sealed class ShardedStep(TaskModel model, Optimizer optimizer, DataParallel parallel)
{
    /// <summary>Leaves the global gradients in the parameters; returns the global mean loss, the batch's
    /// tokens, and whether any rank asked to stop (the same answer on every rank, so all stop at one step).</summary>
    public (double Loss, long Steps, bool Stop) Run(Encoded[] batch, bool stopRequested)
    {
        var world = parallel.Communicator;
        if (world.Size == 1)
        {
            var (loss, steps) = model.Loss(batch);
            optimizer.ZeroGrad();
            loss.Backward();
            return (loss.Item(), steps, stopRequested);
        }
        bool classify = model.Task == TaskKind.Classify;
        long tokens = batch.Sum(e => (long)e.Length);
        double global = classify ? batch.Length : tokens;
        var lengths = batch.Select(e => e.Length).ToArray();
        var share = BatchSharding.Split(lengths, world.Size)[world.Rank];
        optimizer.ZeroGrad();
        double local = 0;
        if (share.Length > 0)
        {
            var mine = share.Select(i => batch[i]).ToArray();
            var (loss, steps) = model.Loss(mine, BatchShare.Of(lengths, share));
            var scaled = loss * (float)((classify ? mine.Length : steps) / global);
            scaled.Backward();
            local = scaled.Item();
        }
        else
        {
            // A batch of fewer sequences than ranks leaves this share empty. The whole batch's forward pass, without
            // gradients, still draws its dropout masks, so the generators stay in step with the other ranks'.
            using var _ = Autograd.NoGrad();
            model.Loss(batch);
        }
        parallel.AllReduceGradients(GradientReduction.Sum);
        Span<double> sums = [local, stopRequested ? 1 : 0];
        world.AllReduceSum(sums);
        return (sums[0], tokens, sums[1] > 0);
    }
}
