using SeqPack.Data;
using SeqPack.Distributed;

namespace SeqPack.Training;

/// <summary>
/// Dev and test evaluation across the ranks of a data-parallel run: each rank evaluates every size-th example,
/// then the loss sums, counts and confusion matrices are summed, so every rank holds the metrics of the whole split.
/// </summary>
internal static class ShardedEvaluation
{
    public static (double Loss, ClassMetrics Metrics) Evaluate(TaskModel model, Communicator world, IReadOnlyList<Encoded> examples)
    {
        if (world.Size == 1) return model.Evaluate(examples);
        var mine = examples.Where((_, i) => i % world.Size == world.Rank).ToArray();
        var (loss, local) = model.Evaluate(mine);
        int classes = model.Classes;
        // (2 + classes²): loss sum, count (sequences, or tokens for tagging), confusion row-major
        var sums = new double[2 + classes * classes];
        sums[0] = loss * local.Count;
        sums[1] = local.Count;
        for (int g = 0; g < classes; g++)
            for (int p = 0; p < classes; p++) sums[2 + g * classes + p] = local.Confusion[g, p];
        world.AllReduceSum(sums);
        var confusion = new long[classes, classes];
        for (int g = 0; g < classes; g++)
            for (int p = 0; p < classes; p++) confusion[g, p] = (long)sums[2 + g * classes + p];
        return (sums[1] == 0 ? 0 : sums[0] / sums[1], ClassMetrics.FromConfusion(confusion));
    }
}
