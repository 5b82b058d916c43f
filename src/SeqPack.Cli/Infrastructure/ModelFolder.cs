using SeqPack.Models;

namespace SeqPack.Cli.Infrastructure;

/// <summary>Loads the run folder given as --model, turning the library's one-line errors into command errors.</summary>
internal static class ModelFolder
{
    public static TrainedModel Load(string dir)
    {
        try
        {
            return TrainedModel.Load(dir);
        }
        catch (DirectoryNotFoundException)
        {
            throw new CliException($"--model '{dir}' does not exist; pass the folder a train run wrote (its --out).", ExitCodes.Files);
        }
        catch (FileNotFoundException e) when (Path.GetFileName(e.FileName) == "config.json")
        {
            throw new CliException($"--model '{dir}' has no config.json; pass the folder a train run wrote (its --out).", ExitCodes.Files);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(e.Message, ExitCodes.Files);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message, ExitCodes.Data);
        }
    }
}
