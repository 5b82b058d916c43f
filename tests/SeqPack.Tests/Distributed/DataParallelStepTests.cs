using SeqPack.DistributedCheck;
using SeqPack.IO;

namespace SeqPack.Tests.Distributed;

public class DataParallelStepTests
{
    [MpiFact]
    public void TwoRanksHalfBatchEach_StepEqualsSingleProcessStep()
    {
        string file = Path.Combine(Path.GetTempPath(), $"seqpack-dp-{Guid.NewGuid():N}.safetensors");
        try
        {
            var run = MpiRun.Run(2, "SeqPack.DistributedCheck.dll", [file], TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Output}{run.Error}");
            Assert.Contains("rank 1 of 2", run.Output);
            var distributed = SafeTensors.Load(file);

            var single = new StepCase(seed: 11);
            single.Backward(Enumerable.Range(0, StepCase.BatchSize).ToArray());
            single.Step();
            var expected = single.Snapshot();

            Assert.Equal(expected.Keys.Order(), distributed.Keys.Order());
            foreach (var (name, tensor) in expected)
            {
                float[] want = tensor.ToArray(), got = distributed[name].ToArray();
                Assert.Equal(tensor.Shape, distributed[name].Shape);
                // Only the summation order differs: the ranks' partial sums are added by MPI.
                for (int i = 0; i < want.Length; i++)
                    Assert.True(Math.Abs(want[i] - got[i]) <= 1e-6f + 1e-5f * Math.Abs(want[i]),
                        $"{name}[{i}]: single process {want[i]}, two ranks {got[i]}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
