using System.Text.Json;
using SeqPack.Nn;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// The cases of Fixtures/rnn_fixtures.json and rnn_fixtures_wide.json, written by Fixtures/make_rnn_fixtures.py (PyTorch 1.13, float64
/// arithmetic on float32 inputs; regenerate with <c>/usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_rnn_fixtures.py</c>).
/// </summary>
public sealed class RnnFixtureCase
{
    private readonly JsonElement e;

    private RnnFixtureCase(JsonElement element) => e = element;

    public string Name => e.GetProperty("name").GetString()!;
    public string Kind => e.GetProperty("kind").GetString()!;
    public int InputSize => e.GetProperty("input_size").GetInt32();
    public int HiddenSize => e.GetProperty("hidden_size").GetInt32();
    public int ProjSize => e.GetProperty("proj_size").GetInt32();
    public int NumLayers => e.GetProperty("num_layers").GetInt32();
    public bool Bias => e.GetProperty("bias").GetBoolean();
    public bool BatchFirst => e.GetProperty("batch_first").GetBoolean();
    public bool Bidirectional => e.GetProperty("bidirectional").GetBoolean();
    public bool Packed => e.GetProperty("layout").GetString() == "packed";
    public bool EnforceSorted => e.GetProperty("enforce_sorted").GetBoolean();
    public int[] Lengths => Ints("lengths");
    public bool Has(string key) => e.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;
    public float[] Floats(string key) => e.GetProperty(key).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
    public int[] Ints(string key) => e.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public Tensor Tensor(string key, string shapeKey) => SeqPack.Tensor.FromArray(Floats(key), Ints(shapeKey));

    /// <summary>The parameters by PyTorch name, in PyTorch's order.</summary>
    public IEnumerable<(string Name, float[] Data, int[] Shape)> Params() =>
        e.GetProperty("params").EnumerateObject().Select(p => (p.Name,
            p.Value.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
            p.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray()));

    public float[] ParamGrad(string name) =>
        e.GetProperty("grad_params").GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    /// <summary>The module the case describes, with the case's weights loaded through the state dictionary.</summary>
    public RnnBase CreateModule()
    {
        RnnBase m = Kind switch
        {
            "lstm" => new Lstm(InputSize, HiddenSize, NumLayers, Bias, BatchFirst, 0f, Bidirectional, ProjSize),
            "gru" => new Gru(InputSize, HiddenSize, NumLayers, Bias, BatchFirst, 0f, Bidirectional),
            "rnn_tanh" => new Rnn(InputSize, HiddenSize, NumLayers, RnnNonlinearity.Tanh, Bias, BatchFirst, 0f, Bidirectional),
            "rnn_relu" => new Rnn(InputSize, HiddenSize, NumLayers, RnnNonlinearity.Relu, Bias, BatchFirst, 0f, Bidirectional),
            _ => throw new NotSupportedException(Kind),
        };
        m.LoadStateDict(Params().ToDictionary(p => p.Name, p => SeqPack.Tensor.FromArray(p.Data, p.Shape)));
        return m;
    }

    public override string ToString() => Name;

    private static readonly Lazy<RnnFixtureCase[]> All = new(() =>
    {
        var cases = new List<RnnFixtureCase>();
        foreach (var file in new[] { "rnn_fixtures.json", "rnn_fixtures_wide.json" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));
            cases.AddRange(doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new RnnFixtureCase(c.Clone())));
        }
        return cases.ToArray();
    });

    public static RnnFixtureCase ByName(string name) => All.Value.Single(c => c.Name == name);

    public static IEnumerable<string> Names(Func<RnnFixtureCase, bool>? filter = null) =>
        All.Value.Where(c => filter?.Invoke(c) ?? true).Select(c => c.Name);
}
