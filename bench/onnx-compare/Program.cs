// Tokens per second of an lstm-m-sized classifier (embedding 256, one LSTM layer of 512, 64 sequences of the
// peer's lengths 8..399) exported to ONNX and run in ONNX Runtime, beside the same network in SeqPack, and of
// the bare LSTM exported alone (what `seqpack bench --workloads=lstm-m --modes=infer --layouts=packed` times).
// Rounds alternate between the contenders so that machine load falls on all of them alike; the median is given.
// Usage: dotnet run -c Release -- [rounds] [threads]
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SeqPack;
using SeqPack.Models;
using SeqPack.Nn;
using SeqPack.Onnx;

int rounds = args.Length > 0 ? int.Parse(args[0]) : 10;
int threads = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
const int Batch = 64, Input = 256, Hidden = 512, Vocab = 20000;
var lengths = new int[Batch];
for (int i = 0; i < Batch; i++)
{
    double u = ((i * 37) % Batch) / (double)Batch;        // the peer's lengths, as BenchWorkload.Lengths
    lengths[i] = 8 + (int)Math.Floor((400 - 8) * u * u);
}
long tokens = lengths.Sum();
int time = lengths.Max();
Compute.Threads = threads;

var model = new SequenceClassifier(Vocab, numClasses: 4, embeddingDim: Input, hiddenSize: Hidden, numLayers: 1,
    bidirectional: false, cell: RecurrentCell.Lstm, seed: 1);
model.Eval();
var rng = new Random(5);
var sequences = lengths.Select(l => Enumerable.Range(0, l).Select(_ => rng.Next(1, Vocab)).ToArray()).ToArray();
var ids = new long[Batch * time];
for (int b = 0; b < Batch; b++)
    for (int t = 0; t < lengths[b]; t++) ids[b * time + t] = sequences[b][t];
var lengths64 = lengths.Select(l => (long)l).ToArray();

var folder = Directory.CreateTempSubdirectory("seqpack-onnx-bench-").FullName;
var classifierPath = Path.Combine(folder, "classifier.onnx");
model.ToOnnxGraph().Save(classifierPath);
var lstm = new Lstm(Input, Hidden, rng: new Rng(2));
lstm.Eval();
var lstmPath = Path.Combine(folder, "lstm.onnx");
OnnxModuleExport.SaveModule(lstm, lstmPath);
var x = Tensor.Randn(new Rng(3), time, Batch, Input);
var xData = x.ToArray();

using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
// ORT's workers spin after each run by default; they would take the cores from SeqPack's rounds in between.
options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
using var classifier = new InferenceSession(classifierPath, options);
using var lstmSession = new InferenceSession(lstmPath, options);
using var runOptions = new RunOptions();

double OrtClassifier()
{
    using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [Batch, time, 1]);
    using var lengthsValue = OrtValue.CreateTensorValueFromMemory(lengths64, [Batch]);
    var sw = Stopwatch.StartNew();
    using var r = classifier.Run(runOptions, ["ids", "lengths"], [idsValue, lengthsValue], ["probabilities"]);
    return sw.Elapsed.TotalSeconds;
}
double OrtLstm()
{
    using var xValue = OrtValue.CreateTensorValueFromMemory(xData, [time, Batch, Input]);
    using var lengthsValue = OrtValue.CreateTensorValueFromMemory(lengths64, [Batch]);
    var sw = Stopwatch.StartNew();
    using var r = lstmSession.Run(runOptions, ["input", "lengths"], [xValue, lengthsValue], ["output", "h_n", "c_n"]);
    return sw.Elapsed.TotalSeconds;
}
double SeqPackClassifier()
{
    var sw = Stopwatch.StartNew();
    using (Autograd.NoGrad()) model.Forward(sequences).Softmax(-1);
    return sw.Elapsed.TotalSeconds;
}
double SeqPackLstm()
{
    var sw = Stopwatch.StartNew();
    using (Autograd.NoGrad()) lstm.Forward(Packing.PackPaddedSequence(x, lengths, enforceSorted: false));
    return sw.Elapsed.TotalSeconds;
}

var contenders = new (string Name, Func<double> Run)[]
{
    ("ort classifier", OrtClassifier), ("seqpack classifier", SeqPackClassifier),
    ("ort lstm", OrtLstm), ("seqpack lstm (packed)", SeqPackLstm),
};
foreach (var c in contenders) { c.Run(); c.Run(); }       // warm-up: JIT, ORT's first-run allocations
var times = contenders.Select(_ => new List<double>()).ToArray();
for (int r = 0; r < rounds; r++)
    for (int k = 0; k < contenders.Length; k++) times[k].Add(contenders[k].Run());

Console.WriteLine($"lstm-m-sized: batch {Batch}, {tokens} tokens (lengths 8..{time}), input {Input}, hidden {Hidden}, threads {threads}, {rounds} alternating rounds");
for (int k = 0; k < contenders.Length; k++)
{
    var sorted = times[k].Order().ToArray();
    double median = sorted[sorted.Length / 2];
    Console.WriteLine($"{contenders[k].Name,-24} median {median * 1e3,8:F1} ms  {tokens / median,10:F0} tokens/s  (min {sorted[0] * 1e3:F1} ms, max {sorted[^1] * 1e3:F1} ms)");
}
Directory.Delete(folder, recursive: true);
