using System.Globalization;
using Spectre.Console;

namespace SeqPack.Cli.Commands;

/// <summary>
/// Range checks of option values. Each returns null when the value is acceptable, or one message naming the
/// option, the value seen and the accepted range; <see cref="First"/> turns the first message into a validation error.
/// </summary>
internal static class OptionRanges
{
    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; null (unset) passes.</summary>
    public static string? Integer(string option, long? value, long min, long max) =>
        value is long v && (v < min || v > max) ? $"{option} must be an integer from {N(min)} to {N(max)}; got {N(v)}" : null;

    /// <summary>A finite number in the interval given by its bounds and openness (NaN and infinities refused); null (unset) passes.</summary>
    public static string? Real(string option, double? value, double min, double max, bool minOpen = false, bool maxOpen = false) =>
        value is double v ? Real(option, v, R(v), min, max, minOpen, maxOpen) : null;

    /// <summary>As for a double, with the value shown as the float it is.</summary>
    public static string? Real(string option, float? value, double min, double max, bool minOpen = false, bool maxOpen = false) =>
        value is float v ? Real(option, v, v.ToString("R", CultureInfo.InvariantCulture), min, max, minOpen, maxOpen) : null;

    private static string? Real(string option, double v, string shown, double min, double max, bool minOpen, bool maxOpen)
    {
        bool inside = double.IsFinite(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
        return inside ? null
            : $"{option} must be a finite number in {(minOpen ? "(" : "[")}{R(min)}, {R(max)}{(maxOpen ? ")" : "]")}; got {shown}";
    }

    /// <summary>One of <paramref name="choices"/>, compared without regard to case; null (unset) passes.</summary>
    public static string? Choice(string option, string? value, params string[] choices) =>
        value is null || choices.Contains(value, StringComparer.OrdinalIgnoreCase) ? null
            : $"{option} must be one of {string.Join(", ", choices)} (in any case); got '{value}'";

    /// <summary>The first message as a validation error, or success when all are null.</summary>
    public static ValidationResult First(params string?[] errors) =>
        errors.FirstOrDefault(e => e is not null) is string e ? ValidationResult.Error(e) : ValidationResult.Success();

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
