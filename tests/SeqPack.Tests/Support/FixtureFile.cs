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
        SeqPack.Tensor.FromArray(e.GetProperty("data").EnumerateArray().Select(Number).ToArray(),
            e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());

    /// <summary>A number, or one of the strings "NaN", "Infinity", "-Infinity" that stand for the values JSON cannot hold.</summary>
    private static float Number(JsonElement v) => v.ValueKind == JsonValueKind.String
        ? float.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
        : v.GetSingle();

    /// <summary>A boolean tensor <c>{"shape": [...], "data": [true, ...]}</c> as a <see cref="Mask"/>.</summary>
    public static Mask Mask(this JsonElement e, string property)
    {
        var m = e.GetProperty(property);
        return SeqPack.Mask.FromArray(m.GetProperty("data").EnumerateArray().Select(v => v.GetBoolean()).ToArray(),
            m.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
    }

    public static Tensor Tensor(this JsonElement e, string property) => e.GetProperty(property).Tensor();

    public static Tensor? TensorOrNull(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind != JsonValueKind.Null ? v.Tensor() : null;

    public static float[] Floats(this JsonElement e, string property) => e.GetProperty(property).Tensor().ToArray();

    public static int[] Ints(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
