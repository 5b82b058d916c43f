using SeqPack;
using SeqPack.Data;
using SeqPack.IO;
using SeqPack.Models;
using SeqPack.Nn;
using SeqPack.Optim;
using SeqPack.Training;

// Arguments (all optional): data file, number of messages to use, epochs.
string file = args.Length > 0 ? args[0] : "data/sms-spam/sms-spam.tsv";
int take = args.Length > 1 ? int.Parse(args[1]) : 2000;
int epochs = args.Length > 2 ? int.Parse(args[2]) : 4;

// 1. Data: label<TAB>text rows; a slice of them, cut into train / dev / test (stratified, seeded).
var all = DataReader.Read(file);
var slice = all with { Texts = all.Texts.Take(take).ToList() };

// 2. Vocabulary and labels from the training split; every message becomes word ids.
var options = new TrainingOptions { Tokenizer = "words", Lowercase = true, EmbeddingDim = 32, HiddenSize = 32, Epochs = epochs };
var data = RunData.Create(options, slice);
Console.WriteLine($"{data.Train.Length} train / {data.Dev.Length} dev / {data.Test.Length} test, vocabulary {data.Encoder.Vocabulary.Count}, labels {string.Join(", ", data.Labels.Labels)}");

// 3. The model the configuration describes: embedding -> bidirectional LSTM over packed batches -> linear.
var model = (SequenceClassifier)new TaskModel(data.Config).Network;
var adam = new Adam(model.Parameters(), lr: 5e-3f);

// 4. Training: batches of similar length, packed so no step is spent on padding.
var lengths = data.Train.Select(e => e.Length).ToArray();
var batcher = new LengthBatcher(BatchSize: 32);
for (int epoch = 1; epoch <= epochs; epoch++)
{
    double lossSum = 0;
    var batches = batcher.Bucketed(lengths, new Rng((ulong)epoch));
    foreach (var batch in batches)
    {
        var logits = model.Forward(batch.Select(i => data.Train[i].Ids).ToArray());      // (batch, classes)
        var loss = Losses.CrossEntropy(logits, batch.Select(i => data.Train[i].Label).ToArray());
        adam.ZeroGrad();
        loss.Backward();
        GradClip.ClipGradNorm(model.Parameters(), maxNorm: 5f);
        adam.Step();
        lossSum += loss.Item();
    }
    Console.WriteLine($"epoch {epoch}: train loss {lossSum / batches.Count:0.0000}, dev accuracy {Accuracy(data.Dev):0.0000}");
}

// 5. Evaluation on test: the most probable class against the majority-class baseline.
double majority = data.Test.GroupBy(e => e.Label).Max(g => g.Count()) / (double)data.Test.Length;
Console.WriteLine($"test accuracy {Accuracy(data.Test):0.0000} (majority class {majority:0.0000})");

// 6. Save a run folder (config.json + model.safetensors), load it back as a TrainedModel and predict.
string run = Path.Combine(Path.GetTempPath(), "seqpack-train-classifier");
Directory.CreateDirectory(run);
data.Config.Save(run);
SafeTensors.Save(Path.Combine(run, "model.safetensors"), model.StateDict());
var trained = TrainedModel.Load(run);
foreach (var text in new[] { "WINNER! Claim your free prize now, call 09061701461", "Are we still on for lunch tomorrow?" })
{
    float[] p = trained.Probabilities(text);
    Console.WriteLine($"{trained.Predict(text),-5} {p.Max():0.000}  {text}");
}

double Accuracy(Encoded[] examples)
{
    model.Eval();
    using var noGrad = Autograd.NoGrad();
    var predicted = model.Forward(examples.Select(e => e.Ids).ToArray()).ArgMax().ToArray();   // class index per example
    model.Train();
    return examples.Where((e, i) => (int)predicted[i] == e.Label).Count() / (double)examples.Length;
}
