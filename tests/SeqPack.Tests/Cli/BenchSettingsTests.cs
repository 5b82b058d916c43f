using SeqPack.Cli.Commands;
using Spectre.Console.Cli;

namespace SeqPack.Tests.Cli;

public class BenchSettingsTests
{
    // A command that only keeps what Spectre parsed, so the real option attributes are exercised.
    private sealed class Capture : Command<BenchSettings>
    {
        [ThreadStatic] public static BenchSettings? Last;

        public override int Execute(CommandContext context, BenchSettings settings, CancellationToken cancellationToken)
        {
            Last = settings;
            return 0;
        }
    }

    private static BenchSettings Parse(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.AddCommand<Capture>("bench");
            c.PropagateExceptions();
        });
        Capture.Last = null;
        Assert.Equal(0, app.Run(["bench", .. args]));
        return Capture.Last!;
    }

    [Fact]
    public void Defaults_AreThePeers()
    {
        var s = Parse();
        Assert.Equal(["lstm-s", "lstm-m", "gru-m", "bilstm-2"], s.SelectedWorkloads.Select(w => w.Name));
        Assert.Equal(["train", "infer"], s.SelectedModes);
        Assert.Equal(["padded", "packed"], s.SelectedLayouts);
        Assert.Equal((5, 3, 2), (s.Iters, s.Warmup, s.ThreadCount));
        Assert.Null(s.Compare);
        Assert.Null(s.Chart);
    }

    [Fact]
    public void EqualsForm_IsParsed()
    {
        var s = Parse("--workloads=gru-m,lstm-s", "--modes=infer", "--layouts=packed", "--iters=7", "--warmup=0", "--threads=1");
        Assert.Equal(["lstm-s", "gru-m"], s.SelectedWorkloads.Select(w => w.Name));   // the peer's order
        Assert.Equal(["infer"], s.SelectedModes);
        Assert.Equal(["packed"], s.SelectedLayouts);
        Assert.Equal((7, 0, 1), (s.Iters, s.Warmup, s.ThreadCount));
    }

    [Fact]
    public void SpaceForm_IsParsed()
    {
        string peer = Path.GetTempFileName();   // --compare must name an existing file
        try
        {
            var s = Parse("--workloads", "bilstm-2", "--modes", "train", "--layouts", "padded,packed", "--iters", "2",
                "--warmup", "1", "--threads", "3", "--compare", peer, "--chart", "out.png");
            Assert.Equal(["bilstm-2"], s.SelectedWorkloads.Select(w => w.Name));
            Assert.Equal((2, 1, 3), (s.Iters, s.Warmup, s.ThreadCount));
            Assert.Equal((peer, "out.png"), (s.Compare, s.Chart));
        }
        finally { File.Delete(peer); }
    }

    [Theory]
    [InlineData("lstm-xl", null, null, 5, 3, 2, "unknown workload 'lstm-xl'")]
    [InlineData(",", null, null, 5, 3, 2, "--workloads: the list is empty")]
    [InlineData(null, "train,eval", null, 5, 3, 2, "--modes: unknown value 'eval'")]
    [InlineData(null, null, "ragged", 5, 3, 2, "--layouts: unknown value 'ragged'")]
    [InlineData(null, null, null, 0, 3, 2, "--iters: got 0")]
    [InlineData(null, null, null, 5, -1, 2, "--warmup: got -1")]
    [InlineData(null, null, null, 5, 3, 0, "--threads: got 0")]
    public void Validate_RejectsBadValues_NamingOptionAndValue(string? workloads, string? modes, string? layouts,
        int iters, int warmup, int threads, string message)
    {
        var s = new BenchSettings
        {
            Workloads = workloads ?? "lstm-s", Modes = modes ?? "train", Layouts = layouts ?? "packed",
            Iters = iters, Warmup = warmup, Threads = threads,
        };
        var result = s.Validate();
        Assert.False(result.Successful);
        Assert.Contains(message, result.Message);
    }

    [Fact]
    public void Validate_RejectsMissingCompareFileAndNonPngChart()
    {
        Assert.Contains("does not exist", new BenchSettings { Compare = "/nonexistent/peer.jsonl" }.Validate().Message);
        Assert.Contains("not a .png path", new BenchSettings { Chart = "chart.svg" }.Validate().Message);
        Assert.True(new BenchSettings().Validate().Successful);
    }
}
