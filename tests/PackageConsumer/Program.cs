// A console app that takes SeqPack by PackageReference only: .ci/steps/10-packages.sh writes its project file
// beside this source in a temporary folder, restores SeqPack from the freshly packed folder, and runs it with the
// run folder that the installed seqpack tool has just trained and the lines `seqpack predict --json` printed for
// it. Any failed check exits non-zero.
using System.Text.Json;
using SeqPack;
using SeqPack.IO;
using SeqPack.Models;
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

// The tool's run folder: its weights load through the library's safetensors reader, and TrainedModel gives the
// probabilities that `seqpack predict --json` printed (rounded there to 4 decimals).
if (args.Length != 2) throw new ArgumentException("usage: PackageConsumer RUN_FOLDER PREDICT_JSONL");
string run = args[0];
var weights = SafeTensors.Load(Path.Combine(run, "model.safetensors"));
Check(weights.Count > 0 && weights.Keys.Any(k => k.Contains("weight_ih_l0")),
    $"the tool's model.safetensors loads ({weights.Count} tensors)");
var model = TrainedModel.Load(run);
int compared = 0;
foreach (var line in File.ReadLines(args[1]).Where(l => l.Length > 0))
{
    using var printed = JsonDocument.Parse(line);
    string text = printed.RootElement.GetProperty("text").GetString()!;
    float[] probabilities = model.Probabilities(text);
    foreach (var label in printed.RootElement.GetProperty("probabilities").EnumerateObject())
    {
        float ours = probabilities[model.Labels.ToList().IndexOf(label.Name)];
        Check(Math.Abs(ours - label.Value.GetDouble()) <= 1e-4,
            $"P({label.Name} | \"{text}\") = {ours:F6}, seqpack predict printed {label.Value.GetDouble():F4}");
    }
    Check(model.Predict(text) == printed.RootElement.GetProperty("label").GetString(), $"the same label for \"{text}\"");
    compared++;
}
Check(compared > 0, $"TrainedModel agrees with seqpack predict --json on {compared} texts");
