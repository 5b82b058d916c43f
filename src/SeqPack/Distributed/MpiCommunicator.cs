using System.Reflection;
using System.Runtime.InteropServices;
using Native = MPI.Unsafe;

namespace SeqPack.Distributed;

/// <summary>
/// MPI_COMM_WORLD through MPI.NET's P/Invoke declarations. MPI.NET is built against Microsoft MPI
/// ("msmpi.dll"); MPICH shares MS-MPI's ABI (integer handles, the same constants), so on Linux that name is
/// resolved to MPICH's <c>libmpich.so.12</c>. Open MPI's handles are pointers, hence MPICH only. The only
/// type of this library that touches MPI.NET: nothing here is compiled unless a launch is distributed.
/// </summary>
internal sealed unsafe class MpiCommunicator : Communicator
{
    // MPI_IN_PLACE is ((void*)-1) in both MS-MPI's and MPICH's mpi.h.
    private static readonly IntPtr InPlace = new(-1);
    private static readonly Lock ResolverLock = new();
    private static bool resolverSet;
    private readonly int rank, size;
    private bool finalized;

    private MpiCommunicator(int rank, int size)
    {
        this.rank = rank;
        this.size = size;
    }

    public override int Rank => rank;
    public override int Size => size;

    /// <summary>MPI_Init, then checks that MPI's world agrees with the process manager's variables.</summary>
    public static MpiCommunicator Start(Launch launch)
    {
        MapLibraryName();
        int argc = 0;
        byte** argv = null;
        Check(Native.MPI_Init(ref argc, ref argv), "MPI_Init");
        Check(Native.MPI_Comm_rank(Native.MPI_COMM_WORLD, out int rank), "MPI_Comm_rank");
        Check(Native.MPI_Comm_size(Native.MPI_COMM_WORLD, out int size), "MPI_Comm_size");
        if (rank != launch.Rank || size != launch.Size)
            throw new InvalidOperationException(
                $"MPI reports rank {rank} of {size} but the launch says rank {launch.Rank} of {launch.Size}; launch with MPICH's mpiexec (mpiexec.mpich).");
        return new MpiCommunicator(rank, size);
    }

    public override void AllReduceSum(Span<float> values)
    {
        fixed (float* p = values)
            Check(Native.MPI_Allreduce(InPlace, (IntPtr)p, values.Length, Native.MPI_FLOAT, Native.MPI_SUM, Native.MPI_COMM_WORLD), "MPI_Allreduce");
    }

    public override void AllReduceSum(Span<double> values)
    {
        fixed (double* p = values)
            Check(Native.MPI_Allreduce(InPlace, (IntPtr)p, values.Length, Native.MPI_DOUBLE, Native.MPI_SUM, Native.MPI_COMM_WORLD), "MPI_Allreduce");
    }

    public override void Broadcast(Span<float> values)
    {
        fixed (float* p = values)
            Check(Native.MPI_Bcast((IntPtr)p, values.Length, Native.MPI_FLOAT, 0, Native.MPI_COMM_WORLD), "MPI_Bcast");
    }

    public override void Broadcast(Span<long> values)
    {
        fixed (long* p = values)
            Check(Native.MPI_Bcast((IntPtr)p, values.Length, Native.MPI_LONG_LONG, 0, Native.MPI_COMM_WORLD), "MPI_Bcast");
    }

    public override void Abort(int exitCode) => Native.MPI_Abort(Native.MPI_COMM_WORLD, exitCode);

    public override void Dispose()
    {
        if (!finalized)
        {
            finalized = true;
            Native.MPI_Finalize();
        }
        base.Dispose();
    }

    private static void Check(int code, string call)
    {
        // MPI_SUCCESS is 0; with MPI's default handler (errors are fatal) a failing call does not return.
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error code {code}.");
    }

    /// <summary>Resolves MPI.NET's "msmpi.dll" to MPICH's shared library on Linux and macOS (once per process).</summary>
    private static void MapLibraryName()
    {
        lock (ResolverLock)
        {
            if (resolverSet) return;
            NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
            resolverSet = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (OperatingSystem.IsWindows() || !name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
        string[] candidates = OperatingSystem.IsMacOS() ? ["libmpi.12.dylib", "libmpich.12.dylib"] : ["libmpich.so.12", "libmpi.so.12"];
        foreach (var candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        throw new DllNotFoundException(
            $"MPICH's shared library ({string.Join(" or ", candidates)}) was not found; install MPICH (apt-get install mpich) to train across processes.");
    }
}
