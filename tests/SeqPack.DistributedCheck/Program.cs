using SeqPack.Distributed;
using SeqPack.DistributedCheck;
using SeqPack.IO;

// Usage: mpiexec.mpich -n N dotnet SeqPack.DistributedCheck.dll OUT.safetensors
//        mpiexec.mpich -n N dotnet SeqPack.DistributedCheck.dll dropout FOLDER
// The first: rank r starts from a different seed (BroadcastParameters must replace it by rank 0's weights), takes
// the sequences r, r+N, r+2N, ... of the global batch, all-reduces the summed gradients and steps; rank 0 writes
// the parameters after the step and the reduced gradients. The second: every rank runs the DropoutStepCase cases
// and writes its parameters, losses and dropout generator states into FOLDER.
using var world = Communicator.Open(Launch.Detect(Environment.GetEnvironmentVariable));
if (args[0] == "dropout")
{
    DropoutStepCase.WriteAll(world, args[1]);
    Console.WriteLine($"rank {world.Rank} of {world.Size}: {DropoutStepCase.Names.Length} dropout cases");
    return;
}
var model = new StepCase(seed: 11 + (ulong)world.Rank);
var parallel = new DataParallel(world, model.Parameters, bucketElements: 100);
parallel.BroadcastParameters();
var rows = Enumerable.Range(0, StepCase.BatchSize).Where(i => i % world.Size == world.Rank).ToArray();
model.Backward(rows);
parallel.AllReduceGradients(GradientReduction.Sum);
model.Step();
if (world.IsRoot) SafeTensors.Save(args[0], model.Snapshot());
Console.WriteLine($"rank {world.Rank} of {world.Size}: {rows.Length} sequences, {parallel.BucketCount} buckets");
