using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>
/// <c>seqpack bench</c>: placeholder registered by the CLI issue; the speed issue owns this file and replaces
/// the body with the real measurements.
/// </summary>
public sealed class BenchCommand(IAnsiConsole console) : Command<CommonSettings>
{
    public override int Execute(CommandContext context, CommonSettings settings, CancellationToken cancellationToken)
    {
        console.MarkupLine("[yellow]seqpack bench is not implemented yet[/]; measure with the BenchmarkDotNet project: dotnet run -c Release --project bench/SeqPack.Bench");
        return 1;
    }
}
