using SeqPack.Distributed;
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

    [MpiFact]
    public void TwoRanksWithDropout_LossesParametersAndGeneratorsEqualSingleProcess()
    {
        var folder = Directory.CreateTempSubdirectory("seqpack-dropout-").FullName;
        try
        {
            var run = MpiRun.Run(2, "SeqPack.DistributedCheck.dll", ["dropout", folder], TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Output}{run.Error}");
            using var world = Communicator.Open(Launch.Single);
            foreach (var name in DropoutStepCase.Names)
            {
                var single = new DropoutStepCase(name, world);
                var losses = single.Train();
                var parameters = single.Parameters();
                var generators = single.GeneratorStates().Select(s => string.Join(' ', s)).ToArray();
                for (int rank = 0; rank < 2; rank++)
                {
                    string stem = Path.Combine(folder, $"{name}.rank{rank}");
                    var lines = File.ReadAllLines(stem + ".txt");
                    var got = lines[0].Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    Assert.Equal(losses.Length, got.Length);
                    for (int i = 0; i < losses.Length; i++)
                        Assert.True(Math.Abs(losses[i] - got[i]) <= 1e-5 * Math.Abs(losses[i]), $"{name} rank {rank} step {i + 1}: loss single process {losses[i]}, two ranks {got[i]}");
                    // The generators advanced by the same draws: the next masks agree too.
                    Assert.Equal(generators, lines[1..]);
                    var distributed = SafeTensors.Load(stem + ".safetensors");
                    Assert.Equal(parameters.Keys.Order(), distributed.Keys.Order());
                    foreach (var (key, tensor) in parameters)
                    {
                        float[] want = tensor.ToArray(), have = distributed[key].ToArray();
                        for (int i = 0; i < want.Length; i++)
                            Assert.True(Math.Abs(want[i] - have[i]) <= 1e-6f + 1e-5f * Math.Abs(want[i]),
                                $"{name} rank {rank} {key}[{i}]: single process {want[i]}, two ranks {have[i]}");
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
