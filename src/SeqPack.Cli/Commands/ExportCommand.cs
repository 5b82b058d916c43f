using System.ComponentModel;
using SeqPack.Cli.Infrastructure;
using SeqPack.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary><c>seqpack export</c>: writes a trained run as one ONNX model (see docs/ONNX.md for its interface).</summary>
public sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Run folder written by train (its --out).")]
        public string? Model { get; init; }

        [CommandOption("--onnx <FILE>")]
        [Description("The ONNX file to write (replaced if it exists; written whole or not at all).")]
        public string? Onnx { get; init; }

        public override ValidationResult Validate() =>
            Model is null ? ValidationResult.Error("--model is missing; pass --model DIR (a train run folder)")
            : string.IsNullOrWhiteSpace(Onnx) ? ValidationResult.Error("--onnx is missing; pass --onnx FILE (the model file to write)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var saved = ModelFolder.Load(settings.Model!);
        try
        {
            saved.ExportOnnx(settings.Onnx!);
        }
        catch (NotSupportedException e)
        {
            throw new CliException(e.Message);
        }
        console.WriteLine($"wrote {settings.Onnx} ({(saved.IsTagger ? "tagger" : "classifier")}, {saved.Labels.Count} labels, " +
            $"ONNX opset {OnnxGraphBuilder.Opset}): inputs ids int64 [batch, time, {saved.IdsPerStep}] and lengths int64 [batch], " +
            $"output probabilities float32 {(saved.IsTagger ? "[batch, time, labels]" : "[batch, labels]")}");
        return 0;
    }
}
