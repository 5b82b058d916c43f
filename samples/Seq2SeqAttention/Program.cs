using SeqPack.Samples;

// usage: Seq2SeqAttention [steps]   (default 400)
int steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 400;
var result = Seq2SeqSample.Train(steps, log: Console.WriteLine);
Console.WriteLine($"exact match on 300 held-out dates after {result.Steps} steps: greedy {result.GreedyExactMatch:P1}, beam {result.BeamExactMatch:P1}");
