using System.Globalization;
using System.Text.Json;
using SeqPack.Data;
using SeqPack.Training;

namespace SeqPack.Models;

/// <summary>
/// A model trained by <c>seqpack train</c> (or <see cref="Trainer"/>), loaded from its run folder: the network
/// with its best weights, the text encoder and the labels, ready to score new text. docs/RUN-FOLDER.md
/// describes the folder. Inference runs in evaluation mode without recording gradients.
/// </summary>
public sealed class TrainedModel
{
    private TrainedModel(RunConfig config, TaskModel model, TextEncoder encoder, LabelSet labels)
    {
        Config = config; Model = model; Encoder = encoder; LabelSet = labels;
    }

    /// <summary>
    /// Loads the run folder <paramref name="runFolder"/> (config.json, model.safetensors and the files of a
    /// sub-word tokenizer). A missing folder or file is a <see cref="DirectoryNotFoundException"/> or <see cref="FileNotFoundException"/>; a foreign,
    /// damaged or newer-format folder, or weights that do not fit the configuration, an
    /// <see cref="InvalidDataException"/>; each with a one-line message naming the path and the fix.
    /// </summary>
    public static TrainedModel Load(string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        var config = RunConfig.Load(runFolder);
        var weightsPath = Path.Combine(runFolder, "model.safetensors");
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"'{runFolder}' has no model.safetensors (training stopped before its first epoch ended?); resume the run or retrain.", weightsPath);
        TaskModel model;
        TextEncoder encoder;
        LabelSet labels;
        try
        {
            model = new TaskModel(config);
            encoder = RunData.EncoderOf(config, runFolder);
            labels = new LabelSet(config.Labels);
            if (labels.Count != config.Labels.Count || !labels.Labels.SequenceEqual(config.Labels))
                throw new ArgumentException("the labels are not distinct and in ordinal order");
            if (config.Model.IdsPerStep != encoder.IdsPerStep)
                throw new ArgumentException($"idsPerStep {config.Model.IdsPerStep} does not match features {config.Features}");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Path.Combine(runFolder, RunConfig.FileName)} describes no valid model ({e.Message}); retrain the model or restore the file.", e);
        }
        var weights = Weights.Load(weightsPath);
        try { model.Network.LoadStateDict(weights); }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"the weights in '{runFolder}' do not fit its config.json ({e.Message}); the folder mixes files of different runs, retrain.", e);
        }
        model.Network.Eval();
        return new TrainedModel(config, model, encoder, labels);
    }

    /// <summary>The run's configuration (config.json).</summary>
    public RunConfig Config { get; }

    /// <summary>The network and its task-level operations (loss, prediction, evaluation).</summary>
    public TaskModel Model { get; }

    /// <summary>The network itself: a <see cref="SequenceClassifier"/> or a <see cref="SequenceTagger"/> with the run's best weights.</summary>
    public SequenceModel Network => Model.Network;

    /// <summary>Turns text into ids as the run did.</summary>
    public TextEncoder Encoder { get; }

    /// <summary>The vocabulary the ids index.</summary>
    public Vocabulary Vocabulary => Encoder.Vocabulary;

    /// <summary>The classes (or tags) with their indices.</summary>
    public LabelSet LabelSet { get; }

    /// <summary>The classes, or the tag set of a tagger, in index order.</summary>
    public IReadOnlyList<string> Labels => LabelSet.Labels;

    /// <summary>Whether the model tags tokens (else it classifies texts).</summary>
    public bool IsTagger => Model.Task == TaskKind.Tag;

    /// <summary>Ids the network reads per time step (tagger features: 3, else 1).</summary>
    public int IdsPerStep => Encoder.IdsPerStep;

    /// <summary>
    /// The ids of <paramref name="text"/>: <see cref="IdsPerStep"/> per step. A classifier cuts the text with the
    /// run's tokenizer (a text without tokens gives one &lt;unk&gt; step); a tagger reads space-separated tokens
    /// and needs at least one.
    /// </summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Encoder.Tokens(text);
        if (tokens.Length == 0)
        {
            if (IsTagger) throw new ArgumentException("the text has no tokens; give a sentence as space-separated tokens.", nameof(text));
            return [Vocabulary.UnkId];
        }
        return Encoder.Encode(tokens);
    }

    /// <summary>The tokens <see cref="Encode"/> reads from <paramref name="text"/> (one per step).</summary>
    public string[] Tokens(string text) => Encoder.Tokens(text);

    /// <summary>
    /// Softmax probabilities: for a classifier one per label; for a tagger tokens x tags, row-major.
    /// </summary>
    public float[] Probabilities(string text) => Probabilities([text])[0];

    /// <summary>The probabilities of each of <paramref name="texts"/> (see <see cref="Probabilities(string)"/>), computed in batches.</summary>
    public float[][] Probabilities(IReadOnlyList<string> texts) => Run(texts).Select(p => p.Probabilities).ToArray();

    /// <summary>The most probable label, or a tagger's space-separated tags (one per token).</summary>
    public string Predict(string text) => Predict([text])[0];

    /// <summary>The prediction for each of <paramref name="texts"/> (see <see cref="Predict(string)"/>), computed in batches.</summary>
    public string[] Predict(IReadOnlyList<string> texts) =>
        Run(texts).Select(p => IsTagger ? string.Join(" ", p.Tags!.Select(t => LabelSet[t])) : LabelSet[p.Label]).ToArray();

    /// <summary>The full predictions (label or tags with their probabilities) of <paramref name="texts"/>, computed in batches.</summary>
    public Prediction[] Run(IReadOnlyList<string> texts, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = new int[texts.Count][];
        for (int i = 0; i < ids.Length; i++)
        {
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"texts[{i}] is null; give a text for every entry.");
            ids[i] = Encode(texts[i]);
        }
        return Model.Predict(ids, batchSize);
    }

    /// <summary>
    /// Writes the network as one ONNX model at <paramref name="path"/> (docs/ONNX.md): inputs <c>ids</c> int64
    /// [batch, time, <see cref="IdsPerStep"/>] (0 after each sequence's end) and <c>lengths</c> int64 [batch] (any
    /// order, each ≥ 1); output <c>probabilities</c> float32 [batch, labels], or [batch, time, labels] for a tagger
    /// (0 past each end), equal to <see cref="Probabilities(string)"/> for the ids <see cref="Encode"/> gives.
    /// The model's metadata_props carry <c>seqpack.task</c>, <c>seqpack.labels</c> and <c>seqpack.vocabulary</c>
    /// (JSON arrays in index order), <c>seqpack.ids_per_step</c>, <c>seqpack.tokenizer</c> (with
    /// <c>seqpack.tokenizer_files</c>, a JSON array of the files in the run folder, for a sub-word tokenizer),
    /// <c>seqpack.lowercase</c> and <c>seqpack.features</c>; tokenisation itself stays outside the graph. The file is written whole, through a temporary file
    /// in the same folder, or not at all.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="NotSupportedException">The network has an option ONNX cannot express (named in the message).</exception>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var graph = Network.ToOnnxGraph();
        graph.SetMetadata("seqpack.task", IsTagger ? "tagger" : "classifier");
        graph.SetMetadata("seqpack.labels", JsonSerializer.Serialize(Labels));
        graph.SetMetadata("seqpack.vocabulary", JsonSerializer.Serialize(Vocabulary.Tokens));
        graph.SetMetadata("seqpack.ids_per_step", IdsPerStep.ToString(CultureInfo.InvariantCulture));
        graph.SetMetadata("seqpack.tokenizer", Config.Tokenizer);
        if (Config.TokenizerFiles is { } tokenizerFiles) graph.SetMetadata("seqpack.tokenizer_files", JsonSerializer.Serialize(tokenizerFiles));
        graph.SetMetadata("seqpack.lowercase", Config.Lowercase ? "true" : "false");
        graph.SetMetadata("seqpack.features", Config.Features ? "true" : "false");
        graph.Save(path);
    }

    /// <summary>
    /// Loss and metrics on labelled <paramref name="data"/> of the model's task (see <see cref="TaskModel.Evaluate"/>);
    /// a label the model does not know is an <see cref="ArgumentException"/>.
    /// </summary>
    public (double Loss, ClassMetrics Metrics, int Examples) Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Task != Model.Task)
            throw new ArgumentException($"'{data.File}' holds {data.Task} examples but the model is for {Model.Task}; give data of the model's task.", nameof(data));
        var examples = data.Task == TaskKind.Classify
            ? data.Texts.Select(t => RunData.EncodeRow(Encoder, LabelSet, t.Text, t.Label, null, null)).ToArray()
            : data.Sentences.Select(s => RunData.EncodeRow(Encoder, LabelSet, null, null, s.Tokens, s.Tags)).ToArray();
        var (loss, metrics) = Model.Evaluate(examples);
        return (loss, metrics, examples.Length);
    }
}
