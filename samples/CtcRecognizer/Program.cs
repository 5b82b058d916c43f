using SeqPack.Samples;

// usage: CtcRecognizer [steps]   (default 400)
int steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 400;
var result = CtcRecognizerSample.Train(steps, log: Console.WriteLine);
Console.WriteLine($"label error rate {result.LabelErrorRate:P1} on 300 held-out signals after {result.Steps} steps (emitting nothing: 100%)");
