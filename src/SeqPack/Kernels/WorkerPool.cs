using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SeqPack.Kernels;

/// <summary>One parallel job: <see cref="Execute"/> runs task <c>index</c> of a fixed task count.</summary>
/// <remarks>
/// Jobs are structs holding pointers and sizes (callers pin their arrays for the duration of the call), so
/// handing one to the pool allocates nothing. Which thread runs which task is not fixed; results must depend
/// on the task index only (that is what keeps kernels deterministic whatever the thread count).
/// </remarks>
internal interface IParallelJob
{
    void Execute(int index);
}

/// <summary>
/// The persistent worker pool of the compute kernels, sized by <see cref="Compute.Threads"/> (the calling thread
/// plus Threads-1 workers). A call publishes the job, wakes the workers and takes tasks itself; workers take
/// tasks from a shared counter. Between calls a worker spins for <see cref="SpinMicroseconds"/> watching for the
/// next job (the hand-off then costs well under a microsecond) and afterwards blocks on its own semaphore, so an
/// idle process burns no CPU. Nothing is allocated per call.
/// </summary>
/// <remarks>
/// A call made while the pool is busy (from another thread, or from inside a job) runs its tasks inline on the
/// calling thread: same tasks, same results, no deadlock.
/// </remarks>
internal static unsafe class WorkerPool
{
    /// <summary>How long an idle worker spins before blocking.</summary>
    public const int SpinMicroseconds = 200;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static readonly object GrowLock = new();
    private static Worker[] workers = [];

    // The published job. Written by the caller before it hands tickets to the helpers (release), read by a
    // helper after it observes its new ticket (acquire). Only ticketed workers read it, and the caller waits
    // for all of them to check out before it publishes the next job.
    private static delegate*<void*, int, void> jobFunction;
    private static void* jobState;
    private static int jobTasks;
    private static int nextTask;
    private static int pendingHelpers;      // helpers that have not yet checked out of the current job
    private static int generation;
    private static int busy;

    [ThreadStatic] private static bool isWorker;

    /// <summary>Threads that run jobs now: <see cref="Compute.Threads"/>.</summary>
    public static int Threads => Compute.Threads;

    /// <summary>
    /// Runs <c>job.Execute(i)</c> for every i in [0, <paramref name="tasks"/>) on up to <see cref="Threads"/>
    /// threads and returns when all have finished. The job is copied to this call's stack frame, so it must
    /// hold pointers to pinned memory, not managed references that move.
    /// </summary>
    public static void Run<TJob>(TJob job, int tasks) where TJob : struct, IParallelJob
    {
        int helpers = Math.Min(Compute.Threads, tasks) - 1;
        if (helpers <= 0 || isWorker || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (int i = 0; i < tasks; i++) job.Execute(i);
            return;
        }
        try
        {
            EnsureWorkers(helpers);
            jobFunction = &Invoke<TJob>;
            jobState = Unsafe.AsPointer(ref job);
            jobTasks = tasks;
            nextTask = 0;
            pendingHelpers = helpers;
            int ticket = ++generation;
            var pool = workers;
            for (int w = 0; w < helpers; w++) pool[w].Hand(ticket);

            for (int i = Interlocked.Increment(ref nextTask) - 1; i < tasks; i = Interlocked.Increment(ref nextTask) - 1)
                job.Execute(i);

            var spin = new SpinWait();
            while (Volatile.Read(ref pendingHelpers) != 0) spin.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            jobFunction = null;
            jobState = null;
            Volatile.Write(ref busy, 0);
        }
    }

    private static void Invoke<TJob>(void* state, int index) where TJob : struct, IParallelJob
        => Unsafe.AsRef<TJob>(state).Execute(index);

    private static void EnsureWorkers(int count)
    {
        if (workers.Length >= count) return;
        lock (GrowLock)
        {
            if (workers.Length >= count) return;
            var grown = new Worker[count];
            Array.Copy(workers, grown, workers.Length);
            for (int w = workers.Length; w < count; w++) grown[w] = new Worker(w);
            workers = grown;
        }
    }

    /// <summary>Runs this thread's share of the current job, then checks out.</summary>
    private static void Participate()
    {
        var fn = jobFunction;
        void* state = jobState;
        int tasks = jobTasks;
        for (int i = Interlocked.Increment(ref nextTask) - 1; i < tasks; i = Interlocked.Increment(ref nextTask) - 1)
            fn(state, i);
        Interlocked.Decrement(ref pendingHelpers);
    }

    private sealed class Worker
    {
        private const int Spinning = 0, Sleeping = 1;
        private readonly SemaphoreSlim signal = new(0);
        private int state = Spinning;
        private int ticket;
        private int seen;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"SeqPack compute {index + 1}" };
            thread.Start();
        }

        /// <summary>Gives the worker the current job (its ticket) and releases it if it sleeps.</summary>
        public void Hand(int jobTicket)
        {
            Interlocked.Exchange(ref ticket, jobTicket);   // full fence: the state read below is not hoisted above it
            if (Volatile.Read(ref state) == Sleeping && Interlocked.CompareExchange(ref state, Spinning, Sleeping) == Sleeping)
                signal.Release();
        }

        private void Loop()
        {
            isWorker = true;
            while (true)
            {
                WaitForTicket();
                seen = Volatile.Read(ref ticket);
                Participate();
            }
        }

        private void WaitForTicket()
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                for (int i = 0; i < 64; i++)
                {
                    if (Volatile.Read(ref ticket) != seen) return;
                    Thread.SpinWait(1);
                }
                if (Stopwatch.GetTimestamp() < deadline) continue;
                // Announce sleep, re-check, then block. A publisher that sees Sleeping flips it back and
                // releases the semaphore exactly once (Dekker-style: both sides write, fence, then read).
                Interlocked.Exchange(ref state, Sleeping);      // full fence before re-reading the ticket
                if (Volatile.Read(ref ticket) != seen)
                {
                    if (Interlocked.CompareExchange(ref state, Spinning, Sleeping) != Sleeping)
                        signal.Wait();                         // the publisher released us: consume it
                    return;
                }
                signal.Wait();
                return;
            }
        }
    }
}
