using System.Globalization;

namespace SeqPack.Distributed;

/// <summary>
/// How this process was started: alone, or as one rank of an MPI job. The library never reads environment
/// variables itself; the application (the <c>seqpack</c> command does this) hands its variables to
/// <see cref="Detect"/>, so a test or an embedding host can describe a launch without touching the process
/// environment.
/// </summary>
/// <param name="Rank">This process's rank, 0 to <paramref name="Size"/> - 1.</param>
/// <param name="Size">The number of processes in the job; 1 when started alone.</param>
public sealed record Launch(int Rank, int Size)
{
    /// <summary>A process started alone (rank 0 of 1): nothing native is loaded.</summary>
    public static Launch Single { get; } = new(0, 1);

    /// <summary>True when more than one process trains together (MPI is loaded only then).</summary>
    public bool IsDistributed => Size > 1;

    /// <summary>
    /// Reads a launch from the variables a process manager sets: <c>PMI_RANK</c> and <c>PMI_SIZE</c>, set by
    /// MPICH's <c>mpiexec</c> (Hydra) and by Slurm's <c>srun --mpi=pmi2</c>. Without them the process runs alone.
    /// </summary>
    /// <param name="variable">Looks up an environment variable by name; the application passes
    /// <c>Environment.GetEnvironmentVariable</c>.</param>
    /// <exception cref="NotSupportedException">The process was started by Open MPI's <c>mpirun</c>
    /// (<c>OMPI_COMM_WORLD_SIZE</c> is set): its handles differ from the MPICH ABI SeqPack binds to.</exception>
    /// <exception cref="ArgumentException">PMI_RANK or PMI_SIZE is not a valid rank and size.</exception>
    public static Launch Detect(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? rank = variable("PMI_RANK"), size = variable("PMI_SIZE");
        if (rank is null && size is null)
        {
            if (variable("OMPI_COMM_WORLD_SIZE") is string ompi)
                throw new NotSupportedException(
                    $"this process was started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE={ompi}); SeqPack binds to the MPICH ABI: " +
                    "install MPICH (apt-get install mpich) and launch with mpiexec.mpich.");
            return Single;
        }
        if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new ArgumentException($"PMI_SIZE is '{size}'; expected a process count of at least 1 (set by mpiexec).", nameof(variable));
        if (!int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out int r) || r >= n)
            throw new ArgumentException($"PMI_RANK is '{rank}' with PMI_SIZE {n}; expected a rank from 0 to {n - 1} (set by mpiexec).", nameof(variable));
        return new Launch(r, n);
    }
}
