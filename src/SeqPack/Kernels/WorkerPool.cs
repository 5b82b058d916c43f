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
/// plus Threads-1 workers). A call publishes the job, offers it to the workers and takes tasks itself; workers
/// that join take tasks from the other end of the same range. When the caller runs out of tasks it withdraws the offer from
/// workers that have not joined yet, so a worker the OS has not scheduled never delays the call. Between calls a worker spins for <see cref="SpinMicroseconds"/> watching for the
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
    // The tasks not yet taken, [front, back) packed as (front << 32) | back: the caller takes from the front and
    // helpers from the back, so with equal speed each thread gets the same contiguous half of the tasks on every
    // call (the same weight panels stay in the same core's caches from one time step to the next), and a slow
    // thread's share is still taken over by the other.
    private static long remaining;
    private static int generation;
    private static int busy;

    [ThreadStatic] private static bool isWorker;

    /// <summary>Threads that run jobs now: <see cref="Compute.Threads"/>.</summary>
    public static int Threads => Compute.Threads;

    /// <summary>
    /// Runs <c>job.Execute(i)</c> for every i in [0, <paramref name="tasks"/>) on up to <see cref="Threads"/>
    /// threads (and at most <paramref name="maxThreads"/>, for work too small to share further) and returns when
    /// all have finished. The job is copied to this call's stack frame, so it must hold pointers to pinned
    /// memory, not managed references that move.
    /// </summary>
    public static void Run<TJob>(TJob job, int tasks, int maxThreads = int.MaxValue) where TJob : struct, IParallelJob
    {
        int helpers = Math.Min(Math.Min(Compute.Threads, maxThreads), tasks) - 1;
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
            Volatile.Write(ref remaining, tasks);
            int ticket = ++generation;
            var pool = workers;
            for (int w = 0; w < helpers; w++) pool[w].Offer(ticket);

            for (int i = TakeFront(); i >= 0; i = TakeFront())
                job.Execute(i);

            // Withdraw the offer from helpers that have not joined (on a busy machine a helper may not have
            // been scheduled yet: the caller has already run its tasks and must not wait for it); wait only
            // for helpers that joined, which are running a task or about to check out.
            for (int w = 0; w < helpers; w++) pool[w].WithdrawOrAwait();
        }
        finally
        {
            jobFunction = null;
            jobState = null;
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Takes the lowest task not yet taken, or returns -1 when none is left.</summary>
    private static int TakeFront()
    {
        while (true)
        {
            long r = Volatile.Read(ref remaining);
            int front = (int)(r >> 32), back = (int)r;
            if (front >= back) return -1;
            if (Interlocked.CompareExchange(ref remaining, ((long)(front + 1) << 32) | (uint)back, r) == r) return front;
        }
    }

    /// <summary>Takes the highest task not yet taken, or returns -1 when none is left.</summary>
    private static int TakeBack()
    {
        while (true)
        {
            long r = Volatile.Read(ref remaining);
            int front = (int)(r >> 32), back = (int)r;
            if (front >= back) return -1;
            if (Interlocked.CompareExchange(ref remaining, ((long)front << 32) | (uint)(back - 1), r) == r) return back - 1;
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

    /// <summary>Runs this thread's share of the current job.</summary>
    private static void Participate()
    {
        var fn = jobFunction;
        void* state = jobState;
        for (int i = TakeBack(); i >= 0; i = TakeBack())
            fn(state, i);
    }

    private sealed class Worker
    {
        private const int Spinning = 0, Sleeping = 1;
        private const int Idle = 0, Offered = 1, Joined = 2;    // claim on the current job
        private int claim = Idle;
        private readonly SemaphoreSlim signal = new(0);
        private int state = Spinning;
        private int ticket;
        private int seen;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"SeqPack compute {index + 1}" };
            thread.Start();
        }

        /// <summary>Offers the worker the current job (its ticket) and releases it if it sleeps.</summary>
        public void Offer(int jobTicket)
        {
            Interlocked.Exchange(ref claim, Offered);
            Interlocked.Exchange(ref ticket, jobTicket);   // full fence: the state read below is not hoisted above it
            if (Volatile.Read(ref state) == Sleeping && Interlocked.CompareExchange(ref state, Spinning, Sleeping) == Sleeping)
                signal.Release();
        }

        /// <summary>Called by the caller after its own tasks: cancels an offer not yet taken, else waits for check-out.</summary>
        public void WithdrawOrAwait()
        {
            if (Interlocked.CompareExchange(ref claim, Idle, Offered) == Offered) return;
            var spin = new SpinWait();
            while (Volatile.Read(ref claim) != Idle) spin.SpinOnce(sleep1Threshold: -1);
        }

        private void Loop()
        {
            isWorker = true;
            while (true)
            {
                WaitForTicket();
                seen = Volatile.Read(ref ticket);
                // The claim, not the ticket, says whether there is a job to join: the caller may have withdrawn
                // the offer already, or offered a newer job after this ticket.
                if (Interlocked.CompareExchange(ref claim, Joined, Offered) == Offered)
                {
                    Participate();
                    Volatile.Write(ref claim, Idle);
                }
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
