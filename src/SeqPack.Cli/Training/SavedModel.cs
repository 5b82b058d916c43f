using SeqPack.Cli.Commands;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;

namespace SeqPack.Cli.Training;

/// <summary>A trained model loaded from a run folder: its configuration, weights, encoder and labels.</summary>
internal sealed class SavedModel
{
    private SavedModel(RunConfig config, TaskModel model, TextEncoder encoder, LabelSet labels)
    {
        Config = config; Model = model; Encoder = encoder; Labels = labels;
    }

    public RunConfig Config { get; }
    public TaskModel Model { get; }
    public TextEncoder Encoder { get; }
    public LabelSet Labels { get; }

    /// <summary>Loads <paramref name="dir"/>; a missing, foreign or mismatched folder is a one-line error.</summary>
    public static SavedModel Load(string dir)
    {
        var config = RunConfig.Load(dir);
        var model = new TaskModel(config);
        Dictionary<string, Tensor> weights;
        try { weights = WeightFiles.Load(Path.Combine(dir, "model.safetensors")); }
        catch (Exception e) when (e is not CliException) { throw new CliException($"{Path.Combine(dir, "model.safetensors")} cannot be read ({e.Message}); retrain the model."); }
        try { model.Module.LoadStateDict(weights); }
        catch (ArgumentException e) { throw new CliException($"the weights in '{dir}' do not fit its config.json ({e.Message}); the folder mixes files of different runs, retrain."); }
        var task = config.Task == "tag" ? TaskKind.Tag : TaskKind.Classify;
        var encoder = new TextEncoder(task, TrainDefaults.ParseTokenizer(config.Tokenizer, config.Lowercase), config.Features, Vocabulary.FromTokens(config.Vocabulary));
        return new SavedModel(config, model, encoder, new LabelSet(config.Labels));
    }
}
