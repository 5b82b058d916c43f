// A console app that takes SeqPack by PackageReference only: .ci/steps/10-packages.sh writes its project file
// beside this source in a temporary folder, restores SeqPack from the freshly packed folder, and runs it with the
// run folder that the installed seqpack tool has just trained. Any failed check exits non-zero.
using SeqPack;
using SeqPack.IO;
using SeqPack.Nn;
using SeqPack.Optim;

static void Check(bool ok, string what)
{
    if (!ok) throw new InvalidOperationException($"package check failed: {what}");
    Console.WriteLine($"ok: {what}");
}

// The package's buildTransitive props reach this app: loops are jitted fully optimised from the first call.
Check(AppContext.GetData("System.Runtime.TieredCompilation.QuickJitForLoops") is "false",
    "TieredCompilationQuickJitForLoops=false came from the package");

// Packed sequences through an LSTM and a linear head, one Adam step: the loss must fall on the next step.
var sequences = new[] { 5, 3, 2 }.Select((n, i) =>
    Tensor.FromArray(Enumerable.Range(0, n * 4).Select(k => MathF.Sin(k + i)).ToArray(), n, 4)).ToArray();
PackedSequence packed = Packing.PackSequence(sequences, enforceSorted: false);
var lstm = new Lstm(inputSize: 4, hiddenSize: 8);
var head = new Linear(8, 2);
var adam = new Adam(lstm.Parameters().Concat(head.Parameters()), lr: 0.05f);
float Step()
{
    adam.ZeroGrad();
    var (_, state) = lstm.Forward(packed);
    Tensor loss = Losses.CrossEntropy(head.Forward(state.H.Select(0, 0)), [0, 1, 0]);
    loss.Backward();
    adam.Step();
    return loss.ToArray()[0];
}
float first = Step(), second = Step();
Check(second < first, $"an Adam step lowered the loss ({first:F4} -> {second:F4})");

// The tool's run folder: its weights load through the library's safetensors reader.
string run = args.Length > 0 ? args[0] : throw new ArgumentException("usage: PackageConsumer RUN_FOLDER");
var weights = SafeTensors.Load(Path.Combine(run, "model.safetensors"));
Check(weights.Count > 0 && weights.Keys.Any(k => k.Contains("weight_ih_l0")),
    $"the tool's model.safetensors loads ({weights.Count} tensors)");
