using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SeqPack.Cli.Commands;

namespace SeqPack.Tests.Cli;

/// <summary>
/// Issue 26, option validation as properties: for any value (special floats and the edges of each range
/// included), <see cref="TrainSettings.Validate"/> accepts exactly the documented range and otherwise names the
/// option, the value and the range. Guards NaN slipping through comparisons (`--dropout NaN`,
/// `--dev-fraction NaN`), `--lr Infinity`, `--clip -1` and sizes whose products overflow.
/// </summary>
public class OptionValidationPropertyTests
{
    private static Arbitrary<float> Floats(params float[] edges) =>
        Gen.OneOf(Gen.Elements([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.MaxValue, float.MinValue, float.Epsilon, .. edges]),
            ArbMap.Default.GeneratorFor<float>(), Gen.Choose(-2000, 2000).Select(i => i / 100f)).ToArbitrary();

    private static Arbitrary<double> Doubles(params double[] edges) =>
        Gen.OneOf(Gen.Elements([double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, double.MaxValue, double.Epsilon, .. edges]),
            ArbMap.Default.GeneratorFor<double>(), Gen.Choose(-200, 200).Select(i => i / 100.0)).ToArbitrary();

    private static Arbitrary<int> Ints(params int[] edges) =>
        Gen.OneOf(Gen.Elements([int.MinValue, int.MaxValue, int.MaxValue / 2, -1, 0, 1, .. edges]), ArbMap.Default.GeneratorFor<int>()).ToArbitrary();

    /// <summary>Validation agrees with <paramref name="valid"/>; a refusal names the option and the value, on one line.</summary>
    private static bool Agrees(TrainSettings settings, bool valid, string option, string shown)
    {
        var result = settings.Validate();
        if (valid) return result.Successful;
        return !result.Successful && result.Message!.StartsWith(option + " ", StringComparison.Ordinal) && result.Message.Contains("got " + shown)
            && !result.Message.Contains('\n');
    }

    private static string R(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    [Property(MaxTest = 300)]
    public Property Lr_AcceptsExactlyFiniteValuesInZeroToTen() =>
        Prop.ForAll(Floats(10f, 10.000001f, 3e38f, 1e-45f), lr =>
            Agrees(new TrainSettings { Lr = lr }, float.IsFinite(lr) && lr > 0 && lr <= 10, "--lr", R(lr)));

    [Property(MaxTest = 300)]
    public Property Dropout_AcceptsExactlyZeroToOneExclusive() =>
        Prop.ForAll(Floats(1f, 0.99999994f), p =>
            Agrees(new TrainSettings { Dropout = p }, p >= 0 && p < 1, "--dropout", R(p)));

    [Property(MaxTest = 300)]
    public Property Clip_AcceptsExactlyFiniteNonNegative() =>
        Prop.ForAll(Floats(-1f, 1e6f, 1.0000001e6f), c =>
            Agrees(new TrainSettings { Clip = c }, c >= 0 && c <= 1e6f, "--clip", R(c)));

    [Property(MaxTest = 300)]
    public Property DevFraction_AcceptsExactlyFiniteValuesLeavingATrainingShare() =>
        Prop.ForAll(Doubles(0.9, 0.8999999), f =>
        {
            var s = new TrainSettings { DevFraction = f };
            var result = s.Validate();
            bool valid = double.IsFinite(f) && f >= 0 && f < 1 && f + 0.1 < 1;
            return valid == result.Successful && (valid || result.Message!.Contains("--dev-fraction"));
        });

    [Property(MaxTest = 300)]
    public Property BatchSize_AcceptsExactlyOneToAMillion() =>
        Prop.ForAll(Ints(1_000_000, 1_000_001, 1_000_000_000), b =>
            Agrees(new TrainSettings { BatchSize = b }, b >= 1 && b <= 1_000_000, "--batch-size", b.ToString()));

    [Property(MaxTest = 300)]
    public Property HiddenSize_RefusesOverflowingSizesByName() =>
        Prop.ForAll(Ints(65_536, 65_537, 2_147_483_647), h =>
        {
            var result = new TrainSettings { HiddenSize = h }.Validate();
            if (h < 1 || h > TrainSettings.MaxWidth) return !result.Successful && result.Message!.StartsWith("--hidden-size must be an integer from 1 to 65536; got " + h);
            // Within range, only the memory check may refuse it, and then it names the size options.
            return result.Successful || result.Message!.Contains("lower --layers or --hidden-size");
        });

    [Property(MaxTest = 200)]
    public Property Layers_RefusedByRangeOrByMemory_NeverAccepted_WhenTheModelCannotFit() =>
        Prop.ForAll(Ints(1_000, 1_001, 100_000_000), layers =>
        {
            var result = new TrainSettings { Layers = layers, HiddenSize = 4096 }.Validate();
            double bytes = 16 * ModelSize.Parameters(50_000, 100, 4096, Math.Max(1, layers), true, false);
            bool fits = layers >= 1 && layers <= TrainSettings.MaxLayers && bytes <= ModelSize.AvailableBytes();
            return fits == result.Successful && (fits || result.Message!.Contains("--layers"));
        });

    [Property(MaxTest = 100)]
    public Property Choices_AcceptAnyCase_RefuseOtherNames() =>
        Prop.ForAll(Gen.Elements("lstm", "LSTM", "Gru", "gRU", "rnn", "lstm2", "", "L S T M").ToArbitrary(), cell =>
        {
            var s = new TrainSettings { Cell = cell };
            bool valid = cell.Equals("lstm", StringComparison.OrdinalIgnoreCase) || cell.Equals("gru", StringComparison.OrdinalIgnoreCase);
            var result = s.Validate();
            return valid ? result.Successful && s.Cell == cell.ToLowerInvariant() : !result.Successful && result.Message!.Contains($"got '{cell}'");
        });

    // The other numeric options, at their edges (each of these was accepted or crashed later on main).
    [Theory]
    [InlineData("--max-length", "0")]
    [InlineData("--max-length", "-1")]
    [InlineData("--max-vocab", "0")]
    [InlineData("--min-count", "0")]
    [InlineData("--token-budget", "0")]
    [InlineData("--clip", "-1")]
    [InlineData("--weight-decay", "NaN")]
    [InlineData("--dropout", "NaN")]
    [InlineData("--lr", "3e38", "3E+38")]
    [InlineData("--threads", "0")]
    [InlineData("--epochs", "0")]
    [InlineData("--embedding-dim", "2147483647")]
    [InlineData("--time-budget", "0s", "'0s'")]
    [InlineData("--time-budget", "-5m", "'-5m'")]
    [InlineData("--time-budget", "soon", "'soon'")]
    [InlineData("--time-budget", "1e308h", "'1e308h'")]
    public void EdgeValue_IsAUsageErrorNamingTheOptionAndValue(string option, string value, string? shown = null)
    {
        var (code, stdout, stderr) = CliRunner.RunSplit(["train", option, value]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"error: {option} must be", stderr);
        Assert.Contains("got " + (shown ?? value), stderr);
    }
}
