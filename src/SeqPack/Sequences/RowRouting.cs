using System.Diagnostics;
using System.Runtime.InteropServices;
using SeqPack.Kernels;

namespace SeqPack;

/// <summary>
/// One contiguous block of rows copied from a source tensor to a destination tensor: rows
/// [<see cref="SrcRow"/>, SrcRow + <see cref="Rows"/>) of source <see cref="Src"/> go to rows
/// [<see cref="DstRow"/>, DstRow + Rows) of destination <see cref="Dst"/>.
/// </summary>
internal readonly record struct RowRun(int Src, int SrcRow, int Dst, int DstRow, int Rows);

/// <summary>
/// The one kernel behind every packing operation: new tensors assembled from whole rows of other tensors,
/// recorded on the autograd graph as a single node whose gradient rule is the same copy run backwards.
/// </summary>
/// <remarks>
/// A "row" is everything after the leading dimension(s) that a caller flattens away: one time step of one
/// sequence, <c>rowSize</c> contiguous floats. Padding, packing, unpacking and permuting along the batch are
/// all partial one-to-one maps between source rows and destination rows, described by <see cref="RowRun"/>s
/// (adjacent rows are merged into one run, so a sorted time-major pack copies each time step in one
/// <see cref="Span{T}.CopyTo"/>). Destination rows no run covers hold the fill (padding) value; source rows
/// no run reads get a zero gradient. Invariant the callers keep: every source row is read by at most one
/// run and every destination row is written by at most one, so the backward copy needs no accumulation.
/// </remarks>
internal static class RowRouting
{
    /// <summary>
    /// Builds one tensor per entry of <paramref name="shapes"/> (each a whole number of rows of
    /// <paramref name="rowSize"/> floats), filled with <paramref name="fill"/>, then copies the
    /// <paramref name="runs"/> from <paramref name="sources"/> into them. Differentiable in every source.
    /// </summary>
    public static Tensor[] Route(string op, Tensor[] sources, int[][] shapes, int rowSize, IReadOnlyList<RowRun> runs, float fill)
    {
        var outputs = new Tensor[shapes.Length];
        var covered = new long[shapes.Length];
        bool recorded = Autograd.ShouldRecord(sources);
        for (int k = 0; k < runs.Count; k++) covered[runs[k].Dst] += runs[k].Rows;
        for (int d = 0; d < shapes.Length; d++)
        {
            int size = Shapes.Product(shapes[d], 0, shapes[d].Length);
            // Runs never overlap, so an output they cover completely needs no clearing or filling.
            bool full = covered[d] * rowSize == size;
            var data = Tensor.ResultBuffer(size, recorded);
            if (!full) data.AsSpan().Fill(fill);
            outputs[d] = new Tensor(data, shapes[d], recyclable: true);
        }
        for (int k = 0; k < runs.Count; k++)
        {
            Debug.Assert((long)(runs[k].SrcRow + runs[k].Rows) * rowSize <= sources[runs[k].Src].Size);
            Debug.Assert((long)(runs[k].DstRow + runs[k].Rows) * rowSize <= outputs[runs[k].Dst].Size);
        }
        CopyRuns(sources.Select(t => t.Data).ToArray(), outputs.Select(t => t.Data).ToArray(), backward: false, rowSize, runs);
        Autograd.Record(outputs, op, sources, grads => Backward(sources, grads, rowSize, runs));
        return outputs;
    }

    /// <summary>The gradient rule: each run copied from the output gradient back to the source's gradient; zero elsewhere.</summary>
    private static Tensor?[] Backward(Tensor[] sources, Tensor?[] grads, int rowSize, IReadOnlyList<RowRun> runs)
    {
        var read = new long[sources.Length];
        for (int k = 0; k < runs.Count; k++)
            if (grads[runs[k].Dst] is not null) read[runs[k].Src] += runs[k].Rows;
        var dsrc = new float[]?[sources.Length];
        for (int s = 0; s < sources.Length; s++)
            if (sources[s].RequiresGrad)
            {
                dsrc[s] = GC.AllocateUninitializedArray<float>(sources[s].Size);
                if (read[s] * rowSize != sources[s].Size) ClearUnread(dsrc[s]!, s, grads, rowSize, runs);
            }
        CopyRuns(grads.Select(g => g?.Data).ToArray(), dsrc, backward: true, rowSize, runs);
        var result = new Tensor?[sources.Length];
        for (int s = 0; s < sources.Length; s++)
            if (dsrc[s] is { } d) result[s] = Autograd.Unshared(new Tensor(d, sources[s].Shape));
        return result;
    }

    /// <summary>Below this many floats in all runs together the copies run on the calling thread alone.</summary>
    private const long ParallelFloats = 1L << 18;

    /// <summary>
    /// Copies every run, forward (rows of <c>first[run.Src]</c> to <c>second[run.Dst]</c>) or backward (rows of
    /// <c>first[run.Dst]</c> to <c>second[run.Src]</c>), skipping runs whose array on either side is null. Large
    /// routings (a packed batch of a medium-sized LSTM is megabytes) are split by rows across the <see cref="WorkerPool"/>: the copies
    /// and the first touches of a fresh output's pages are shared by the threads.
    /// </summary>
    private static unsafe void CopyRuns(float[]?[] first, float[]?[] second, bool backward, int rowSize, IReadOnlyList<RowRun> runs)
    {
        long rows = 0;
        for (int k = 0; k < runs.Count; k++) rows += runs[k].Rows;
        int tasks = rows * rowSize < ParallelFloats ? 1 : Compute.Threads * 4;   // one task runs on the calling thread
        // The job reaches the arrays through raw pointers (WorkerPool.Run), so they are pinned for its duration.
        var handles = new List<GCHandle>(first.Length + second.Length);
        var pointers = new nint[first.Length + second.Length];
        ReadOnlySpan<RowRun> runSpan = runs switch
        {
            List<RowRun> list => CollectionsMarshal.AsSpan(list),
            RowRun[] array => array,
            _ => runs.ToArray(),
        };
        try
        {
            for (int i = 0; i < pointers.Length; i++)
            {
                var array = i < first.Length ? first[i] : second[i - first.Length];
                if (array is null) continue;
                var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
                handles.Add(handle);
                pointers[i] = handle.AddrOfPinnedObject();
            }
            fixed (nint* p = pointers)
            fixed (RowRun* r = runSpan)
            {
                WorkerPool.Run(new CopyJob
                {
                    First = p, Second = p + first.Length, Backward = backward, RowSize = rowSize, Runs = r, Count = runSpan.Length,
                    RowsPerTask = (rows + tasks - 1) / tasks,
                }, tasks);
            }
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }

    private unsafe struct CopyJob : IParallelJob
    {
        public nint* First, Second;
        public bool Backward;
        public int RowSize, Count;
        public long RowsPerTask;
        public RowRun* Runs;

        /// <summary>Task t copies the rows numbered [t·RowsPerTask, (t+1)·RowsPerTask) in run order (parts of runs at the ends).</summary>
        public readonly void Execute(int t)
        {
            long lo = t * RowsPerTask, hi = lo + RowsPerTask, start = 0;
            for (int k = 0; k < Count && start < hi; start += Runs[k].Rows, k++)
            {
                var r = Runs[k];
                long a = Math.Max(lo, start), b = Math.Min(hi, start + r.Rows);
                if (a >= b) continue;
                float* from = (float*)First[Backward ? r.Dst : r.Src], to = (float*)Second[Backward ? r.Src : r.Dst];
                if (from == null || to == null) continue;
                nint skip = (nint)(a - start), n = (nint)(b - a) * RowSize;
                nint fromRow = (Backward ? r.DstRow : r.SrcRow) + skip, toRow = (Backward ? r.SrcRow : r.DstRow) + skip;
                Buffer.MemoryCopy(from + fromRow * RowSize, to + toRow * RowSize, n * sizeof(float), n * sizeof(float));
            }
        }
    }

    /// <summary>
    /// Zeroes the rows of source <paramref name="src"/>'s gradient that no run copies into (the padding of a
    /// padded batch), so that every element is written once instead of cleared and then overwritten.
    /// </summary>
    private static void ClearUnread(float[] d, int src, Tensor?[] grads, int rowSize, IReadOnlyList<RowRun> runs)
    {
        int rows = d.Length / rowSize;
        var read = new bool[rows];
        for (int k = 0; k < runs.Count; k++)
        {
            var r = runs[k];
            if (r.Src == src && grads[r.Dst] is not null) read.AsSpan(r.SrcRow, r.Rows).Fill(true);
        }
        for (int row = 0; row < rows;)
        {
            if (read[row]) { row++; continue; }
            int end = row + 1;
            while (end < rows && !read[end]) end++;
            d.AsSpan(row * rowSize, (end - row) * rowSize).Clear();
            row = end;
        }
    }
}

/// <summary>Collects <see cref="RowRun"/>s one row at a time, merging a row into the previous run when both sides continue it.</summary>
internal sealed class RowRunBuilder(int capacity = 0)
{
    private readonly List<RowRun> runs = new(capacity);

    /// <summary>The runs collected so far.</summary>
    public List<RowRun> Runs => runs;

    /// <summary>Adds <paramref name="rows"/> rows from (<paramref name="src"/>, <paramref name="srcRow"/>) to (<paramref name="dst"/>, <paramref name="dstRow"/>).</summary>
    public void Add(int src, int srcRow, int dst, int dstRow, int rows = 1)
    {
        if (rows == 0) return;
        if (runs.Count > 0)
        {
            var last = runs[^1];
            if (last.Src == src && last.Dst == dst && last.SrcRow + last.Rows == srcRow && last.DstRow + last.Rows == dstRow)
            {
                runs[^1] = last with { Rows = last.Rows + rows };
                return;
            }
        }
        runs.Add(new RowRun(src, srcRow, dst, dstRow, rows));
    }
}
