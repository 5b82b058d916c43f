using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>The persistent pool runs every task exactly once, from any caller, nested or concurrent.</summary>
[Collection(nameof(GemmDriverCollection))]   // sets Compute.Threads
public class WorkerPoolTests
{
    private unsafe struct MarkJob : IParallelJob
    {
        public int* Marks;
        public readonly void Execute(int index) => Interlocked.Increment(ref Marks[index]);
    }

    private unsafe struct NestedJob : IParallelJob
    {
        public int* Marks;
        public int Inner;
        public readonly void Execute(int index)
            => WorkerPool.Run(new MarkJob { Marks = Marks + index * Inner }, Inner);   // runs inline: pool is busy
    }

    private static unsafe int[] RunMarks(int tasks)
    {
        var marks = new int[tasks];
        fixed (int* p = marks) WorkerPool.Run(new MarkJob { Marks = p }, tasks);
        return marks;
    }

    [Fact]
    public void Run_ExecutesEveryTaskExactlyOnce_ForManyBackToBackCalls()
    {
        int saved = Compute.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2, 4 })
            {
                Compute.Threads = threads;
                for (int call = 0; call < 300; call++)
                {
                    int tasks = call % 9;
                    Assert.All(RunMarks(tasks), m => Assert.Equal(1, m));
                }
            }
        }
        finally
        {
            Compute.Threads = saved;
        }
    }

    private unsafe struct ThreadJob : IParallelJob
    {
        public int* ThreadIds;
        public readonly void Execute(int index)
        {
            ThreadIds[index] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(20_000);   // long enough that a helper, if one were offered the job, would take a task
        }
    }

    [Fact]
    public unsafe void Run_WithMaxThreadsOne_RunsEveryTaskOnTheCallingThread()
    {
        int saved = Compute.Threads;
        try
        {
            Compute.Threads = 16;
            var ids = new int[40];
            fixed (int* p = ids) WorkerPool.Run(new ThreadJob { ThreadIds = p }, ids.Length, maxThreads: 1);
            Assert.All(ids, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
        }
        finally
        {
            Compute.Threads = saved;
        }
    }

    [Fact]
    public unsafe void Run_NestedInsideAJob_RunsInlineAndCompletes()
    {
        var marks = new int[6 * 5];
        fixed (int* p = marks) WorkerPool.Run(new NestedJob { Marks = p, Inner = 5 }, 6);
        Assert.All(marks, m => Assert.Equal(1, m));
    }

    [Fact]
    public void Run_FromSeveralThreadsAtOnce_EveryCallCompletesItsOwnTasks()
    {
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int call = 0; call < 200; call++)
                if (RunMarks(7).Any(m => m != 1)) Interlocked.Increment(ref failures);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, failures);
    }
}
