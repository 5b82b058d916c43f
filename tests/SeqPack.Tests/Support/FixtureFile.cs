using System.Text.Json;
using SeqPack;

namespace SeqPack.Tests.Support;

/// <summary>
/// Reads the JSON fixtures written by the scripts in Fixtures/ (copied next to the test assembly). A tensor
/// is stored as <c>{"shape": [...], "data": [...]}</c>, row-major.
/// </summary>
public static class FixtureFile
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonElement Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));
        return doc.RootElement.Clone();
    }

    public static Tensor Tensor(this JsonElement e) =>
        SeqPack.Tensor.FromArray(e.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray(),
            e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());

    public static Tensor Tensor(this JsonElement e, string property) => e.GetProperty(property).Tensor();

    public static Tensor? TensorOrNull(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind != JsonValueKind.Null ? v.Tensor() : null;

    public static float[] Floats(this JsonElement e, string property) => e.GetProperty(property).Tensor().ToArray();

    public static int[] Ints(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
