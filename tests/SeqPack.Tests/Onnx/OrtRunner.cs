using Microsoft.ML.OnnxRuntime;

namespace SeqPack.Tests.Onnx;

/// <summary>A named input for <see cref="OrtRunner.Run"/>: float or int64 values with their shape.</summary>
internal sealed record OrtInput(string Name, Array Values, long[] Shape)
{
    public static OrtInput Floats(string name, float[] values, params long[] shape) => new(name, values, shape);
    public static OrtInput Int64s(string name, long[] values, params long[] shape) => new(name, values, shape);
}

/// <summary>Runs a model file in ONNX Runtime (CPU) and returns every float output with its shape.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(string modelPath, params OrtInput[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var values = inputs.Select(i => i.Values switch
        {
            float[] f => OrtValue.CreateTensorValueFromMemory(f, i.Shape),
            long[] l => OrtValue.CreateTensorValueFromMemory(l, i.Shape),
            _ => throw new ArgumentException($"Unsupported input array type {i.Values.GetType()}"),
        }).ToList();
        try
        {
            var outputNames = session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, outputNames);
            var map = new Dictionary<string, (float[], long[])>();
            for (int k = 0; k < outputNames.Length; k++)
                map[outputNames[k]] = (results[k].GetTensorDataAsSpan<float>().ToArray(), results[k].GetTensorTypeAndShape().Shape);
            return map;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>The model's metadata_props as ONNX Runtime reads them.</summary>
    public static Dictionary<string, string> Metadata(string modelPath)
    {
        using var session = new InferenceSession(modelPath);
        return new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap);
    }

    /// <summary>The largest |expected − actual|, after checking the lengths agree.</summary>
    public static double MaxAbsDiff(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
