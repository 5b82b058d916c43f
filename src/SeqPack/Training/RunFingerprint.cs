using System.Text.Json;
using SeqPack.Distributed;

namespace SeqPack.Training;

/// <summary>
/// A 64-bit FNV-1a hash of what must be equal on every rank of a data-parallel run: the configuration (options,
/// vocabulary, labels, data checksums; not the file paths), every encoded example, the resume position and
/// --stop-after-steps. Rank 0's value is broadcast at start and compared by every rank.
/// </summary>
internal static class RunFingerprint
{
    /// <summary>Stops every rank with the same clear error when some rank's data or options differ from rank 0's.</summary>
    public static void Check(Communicator world, RunData data, RunState state, int? stopAfterSteps)
    {
        if (world.Size == 1) return;
        var differing = world.RanksDiffering(Of(data, state, stopAfterSteps));
        if (differing.Length > 0)
            throw new RanksDisagreeException(
                $"rank{(differing.Length > 1 ? "s" : "")} {string.Join(", ", differing)} of {world.Size} read different data or options than rank 0; " +
                "give every rank the same command line and the same files (mpiexec -n N seqpack train ...).");
    }

    internal static long Of(RunData data, RunState state, int? stopAfterSteps)
    {
        var config = data.Config with { Data = data.Config.Data with { Train = null, Dev = null, Test = null } };
        ulong h = 14695981039346656037UL;
        void Add(long value) { for (int b = 0; b < 8; b++, value >>= 8) h = (h ^ (byte)value) * 1099511628211UL; }
        foreach (char c in JsonSerializer.Serialize(config, RunConfig.Json)) Add(c);
        foreach (var split in new[] { data.Train, data.Dev, data.Test })
        {
            Add(split.Length);
            foreach (var e in split)
            {
                Add(e.Length);
                Add(e.Label);
                foreach (int id in e.Ids) Add(id);
                foreach (int tag in e.Tags ?? []) Add(tag);
            }
        }
        Add(state.Epoch);
        Add(state.Step);
        Add(stopAfterSteps ?? -1);
        return (long)h;
    }
}
