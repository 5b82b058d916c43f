using Spectre.Console.Cli;

namespace SeqPack.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("seqpack");
            config.SetApplicationVersion(typeof(SeqPack.Tensor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        });
        return app.Run(args);
    }
}
