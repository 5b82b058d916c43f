using System.Globalization;
using System.Text.Json;
using SeqPack.Data;

namespace SeqPack.Training;

/// <summary>
/// config.json checked field by field against what <c>seqpack train</c> writes, before anything is built from it:
/// a missing key, a null or wrongly typed value, a value out of its range, duplicate or unordered labels or an
/// unknown task is an <see cref="InvalidDataException"/> of one line naming the field, never a null reference or
/// a model read the wrong way. The ranges are those the seqpack command accepts for the same options.
/// </summary>
internal sealed class RunConfigCheck
{
    private const int MaxCount = 1_000_000, MaxWidth = 65_536, MaxLayers = 1_000, MaxSteps = 100_000_000, MaxVocabulary = 10_000_000;

    private readonly string path;

    private RunConfigCheck(string path) => this.path = path;

    /// <summary>Checks the parsed config.json <paramref name="root"/> read from <paramref name="path"/>.</summary>
    public static void Validate(JsonElement root, string path)
    {
        var c = new RunConfigCheck(path);
        if (root.ValueKind != JsonValueKind.Object) throw c.Bad("the file", "must be a JSON object", root);
        string task = c.String(root, "", "task", "classify", "tag");
        string tokenizer = c.String(root, "", "tokenizer", ["chars", "words", .. SubwordTokenizer.Layouts.Keys]);
        c.TokenizerFiles(root, tokenizer);
        c.String(root, "", "seqpackVersion");
        c.Bool(root, "", "lowercase");
        bool features = c.Bool(root, "", "features");

        var vocabulary = c.Strings(root, "", "vocabulary", 2, MaxVocabulary, allowEmpty: false);
        if (vocabulary[0] != "<pad>" || vocabulary[1] != "<unk>")
            throw c.Bad("vocabulary", "must start with \"<pad>\", \"<unk>\"", root.GetProperty("vocabulary"));
        c.Distinct("vocabulary", vocabulary);

        var labels = c.Strings(root, "", "labels", task == "classify" ? 2 : 1, int.MaxValue, allowEmpty: false);
        c.Distinct("labels", labels);
        for (int i = 1; i < labels.Length; i++)
            if (string.CompareOrdinal(labels[i - 1], labels[i]) > 0)
                throw c.Bad("labels", $"must be in ordinal order, as train writes them ('{labels[i - 1]}' comes before '{labels[i]}')", root.GetProperty("labels"));

        var model = c.Object(root, "", "model");
        c.String(model, "model", "cell", "lstm", "gru");
        c.Int(model, "model", "embeddingDim", 1, MaxWidth);
        c.Int(model, "model", "hiddenSize", 1, MaxWidth);
        c.Int(model, "model", "numLayers", 1, MaxLayers);
        c.Bool(model, "model", "bidirectional");
        c.Real(model, "model", "dropout", 0, 1, maxOpen: true);
        int ids = c.Int(model, "model", "idsPerStep", 1, 3);
        if (ids != (features ? 3 : 1)) throw c.Bad("model.idsPerStep", $"must be {(features ? 3 : 1)} when features is {(features ? "true" : "false")}", model.GetProperty("idsPerStep"));
        if (model.TryGetProperty("pooling", out var pooling) && pooling.ValueKind != JsonValueKind.Null)
            c.String(model, "model", "pooling", [.. ModelConfig.Poolings.Keys]);

        var training = c.Object(root, "", "training");
        c.Int(training, "training", "epochs", 1, MaxCount);
        c.Int(training, "training", "batchSize", 1, MaxCount);
        c.Int(training, "training", "tokenBudget", 1, int.MaxValue, optional: true);
        c.Real(training, "training", "lr", 0, 10, minOpen: true);
        c.Real(training, "training", "weightDecay", 0, 10);
        c.Real(training, "training", "clip", 0, 1e6);
        c.Int(training, "training", "patience", 1, MaxCount);
        var seed = c.Get(training, "training", "seed");
        if (seed.ValueKind != JsonValueKind.Number || !seed.TryGetUInt64(out _)) throw c.Bad("training.seed", "must be an integer from 0 to 18446744073709551615", seed);
        double dev = c.Real(training, "training", "devFraction", 0, 1, maxOpen: true);
        double test = c.Real(training, "training", "testFraction", 0, 1, maxOpen: true);
        if (dev + test >= 1) throw c.Bad("training.testFraction", "must leave a training share (devFraction + testFraction < 1)", training.GetProperty("testFraction"));
        c.Int(training, "training", "maxLength", 1, MaxSteps, optional: true);
        c.Real(training, "training", "wordDropout", 0, 1, maxOpen: true);
        if (training.TryGetProperty("cosine", out _)) c.Bool(training, "training", "cosine");

        var data = c.Object(root, "", "data");
        c.String(data, "data", "train");
        foreach (var name in new[] { "dev", "test" })
            if (data.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) throw c.Bad($"data.{name}", "must be a string or null", v);
        var hashes = c.Object(data, "data", "sha256");
        foreach (var h in hashes.EnumerateObject())
            if (h.Value.ValueKind != JsonValueKind.String) throw c.Bad($"data.sha256.{h.Name}", "must be a string", h.Value);
    }

    /// <summary>
    /// <c>tokenizerFiles</c>: absent or null for chars and words; for a sub-word kind as many entries as its
    /// tokeniser reads, each a plain file name inside the run's tokenizer folder (<c>tokenizer/NAME</c>), so a
    /// config.json can never make SeqPack read a file outside its run folder.
    /// </summary>
    private void TokenizerFiles(JsonElement root, string tokenizer)
    {
        bool present = root.TryGetProperty("tokenizerFiles", out var v) && v.ValueKind != JsonValueKind.Null;
        if (!SubwordTokenizer.Layouts.TryGetValue(tokenizer, out var layout))
        {
            if (present) throw Bad("tokenizerFiles", $"must be absent when tokenizer is {tokenizer}", v);
            return;
        }
        if (!present) throw Missing("tokenizerFiles");
        var files = Strings(root, "", "tokenizerFiles", layout.Length, layout.Length, allowEmpty: false);
        for (int i = 0; i < files.Length; i++)
        {
            var parts = files[i].Split('/');
            if (parts.Length != 2 || parts[0] != RunConfig.TokenizerFolder || parts[1] is "." or ".." || parts[1].IndexOfAny(['\\', ':']) >= 0
                || parts[1].IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
                throw Bad($"tokenizerFiles[{i.ToString(CultureInfo.InvariantCulture)}]", $"must be a file name inside the run folder's {RunConfig.TokenizerFolder}/ folder, as {RunConfig.TokenizerFolder}/NAME", v[i]);
        }
    }

    private InvalidDataException Bad(string field, string problem, JsonElement seen) =>
        new($"{path}: field '{field}' {problem}; got {Show(seen)}; retrain the model or restore the file.");

    private InvalidDataException Missing(string field) =>
        new($"{path}: field '{field}' is missing; retrain the model or restore the file.");

    private static string Show(JsonElement e)
    {
        var text = e.ValueKind == JsonValueKind.Undefined ? "nothing" : e.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static string Name(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    private JsonElement Get(JsonElement obj, string parent, string name) =>
        obj.TryGetProperty(name, out var v) ? v : throw Missing(Name(parent, name));

    private JsonElement Object(JsonElement obj, string parent, string name)
    {
        var v = Get(obj, parent, name);
        return v.ValueKind == JsonValueKind.Object ? v : throw Bad(Name(parent, name), "must be an object", v);
    }

    private string String(JsonElement obj, string parent, string name, params string[] choices)
    {
        var v = Get(obj, parent, name);
        if (v.ValueKind != JsonValueKind.String) throw Bad(Name(parent, name), "must be a string", v);
        var s = v.GetString()!;
        if (choices.Length > 0 && !choices.Contains(s)) throw Bad(Name(parent, name), $"must be one of {string.Join(", ", choices)}", v);
        return s;
    }

    private bool Bool(JsonElement obj, string parent, string name)
    {
        var v = Get(obj, parent, name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(Name(parent, name), "must be true or false", v),
        };
    }

    private int Int(JsonElement obj, string parent, string name, int min, int max, bool optional = false)
    {
        if (optional && (!obj.TryGetProperty(name, out var o) || o.ValueKind == JsonValueKind.Null)) return 0;
        var v = Get(obj, parent, name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n) || n < min || n > max)
            throw Bad(Name(parent, name), $"must be an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}", v);
        return (int)n;
    }

    private double Real(JsonElement obj, string parent, string name, double min, double max, bool minOpen = false, bool maxOpen = false)
    {
        var v = Get(obj, parent, name);
        bool ok = v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double x) && double.IsFinite(x)
            && (minOpen ? x > min : x >= min) && (maxOpen ? x < max : x <= max);
        if (!ok)
            throw Bad(Name(parent, name), $"must be a finite number in {(minOpen ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, " +
                $"{max.ToString(CultureInfo.InvariantCulture)}{(maxOpen ? ")" : "]")}", v);
        return v.GetDouble();
    }

    private string[] Strings(JsonElement obj, string parent, string name, int minCount, int maxCount, bool allowEmpty)
    {
        var v = Get(obj, parent, name);
        if (v.ValueKind != JsonValueKind.Array) throw Bad(Name(parent, name), "must be an array of strings", v);
        int count = v.GetArrayLength();
        if (count < minCount || count > maxCount)
            throw Bad(Name(parent, name), $"must hold {minCount.ToString(CultureInfo.InvariantCulture)} to {maxCount.ToString(CultureInfo.InvariantCulture)} entries, not {count.ToString(CultureInfo.InvariantCulture)}", v);
        var result = new string[count];
        int i = 0;
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String || (!allowEmpty && e.GetString()!.Length == 0))
                throw Bad($"{Name(parent, name)}[{i.ToString(CultureInfo.InvariantCulture)}]", allowEmpty ? "must be a string" : "must be a non-empty string", e);
            result[i++] = e.GetString()!;
        }
        return result;
    }

    private void Distinct(string field, string[] values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in values)
            if (!seen.Add(s)) throw new InvalidDataException($"{path}: field '{field}' holds '{s}' twice; retrain the model or restore the file.");
    }
}
