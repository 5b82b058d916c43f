namespace SeqPack;

/// <summary>Process-wide settings of the compute kernels.</summary>
public static class Compute
{
    private static int threads = Environment.ProcessorCount;

    /// <summary>
    /// Worker threads the kernels may use (default: the processor count). Results do not depend on it:
    /// work is split so that every output element is summed in the same order whatever the thread count.
    /// </summary>
    public static int Threads
    {
        get => threads;
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, "Compute.Threads must be at least 1.");
            threads = value;
        }
    }
}
