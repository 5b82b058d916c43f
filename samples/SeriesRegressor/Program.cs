using SeqPack.Samples;

// usage: SeriesRegressor [steps]   (default 600)
int steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 600;
var result = SeriesRegressorSample.Train(steps, log: Console.WriteLine);
Console.WriteLine($"test MSE {result.TestMse:F4} (predicting the mean: {result.BaselineMse:F4}) after {result.Steps} steps");
