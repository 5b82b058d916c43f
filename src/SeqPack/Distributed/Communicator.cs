using System.Runtime.CompilerServices;

namespace SeqPack.Distributed;

/// <summary>
/// The processes of a data-parallel job and the collective operations they need: broadcast, sum
/// all-reduce and abort. <see cref="Open"/> gives an MPI communicator (MPICH, loaded only then) for a
/// distributed launch and a pure managed single-process one otherwise. Every rank must call each collective
/// in the same order with the same lengths, as in MPI.
/// </summary>
public abstract class Communicator : IDisposable
{
    private protected Communicator() { }

    /// <summary>This process's rank, 0 to <see cref="Size"/> - 1.</summary>
    public abstract int Rank { get; }

    /// <summary>The number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>True on rank 0, the rank that alone prints and writes files.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>
    /// Opens the communicator for <paramref name="launch"/>: MPI (MPI_Init on MPICH's libmpich.so.12) when it is
    /// distributed, otherwise a single process without any native code.
    /// </summary>
    /// <exception cref="DllNotFoundException">A distributed launch but MPICH's library is not installed.</exception>
    public static Communicator Open(Launch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        return launch.IsDistributed ? OpenMpi(launch) : new SingleProcessCommunicator();
    }

    // Kept out of Open so that compiling Open never resolves a type of the MPI.NET assembly: a single-process
    // run loads neither MPI.dll nor libmpich.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Communicator OpenMpi(Launch launch) => MpiCommunicator.Start(launch);

    /// <summary>Effectively computes <c>values[i] = Σ over ranks of values[i]</c>, the result on every rank.</summary>
    public abstract void AllReduceSum(Span<float> values);

    /// <summary>Effectively computes <c>values[i] = Σ over ranks of values[i]</c> in double precision, on every rank.</summary>
    public abstract void AllReduceSum(Span<double> values);

    /// <summary>Copies rank 0's <paramref name="values"/> into every other rank's.</summary>
    public abstract void Broadcast(Span<float> values);

    /// <summary>Copies rank 0's <paramref name="values"/> into every other rank's.</summary>
    public abstract void Broadcast(Span<long> values);

    /// <summary>
    /// Ends every process of the job at once (MPI_Abort) with <paramref name="exitCode"/>: what a rank calls
    /// after an error, so that no other rank waits forever in a collective. Returns only on a single process.
    /// </summary>
    public abstract void Abort(int exitCode);

    /// <summary>
    /// The ranks whose <paramref name="value"/> differs from rank 0's (empty when all agree), the same list on
    /// every rank; used to check at start that every rank read the same data and options (pass a hash).
    /// </summary>
    public int[] RanksDiffering(long value)
    {
        Span<long> root = [value];
        Broadcast(root);
        var differs = new double[Size];
        differs[Rank] = root[0] == value ? 0 : 1;
        AllReduceSum(differs);
        return Enumerable.Range(0, Size).Where(r => differs[r] != 0).ToArray();
    }

    /// <summary>Leaves the job (MPI_Finalize); the communicator cannot be used afterwards.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
