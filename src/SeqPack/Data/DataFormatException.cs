namespace SeqPack.Data;

/// <summary>
/// A malformed row in a data file: names the file, the 1-based line where the row starts, and the problem.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception; the message reads <c>file:line: problem</c>.</summary>
    public DataFormatException(string file, int line, string problem)
        : base($"{file}:{line}: {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file as it was given to the reader.</summary>
    public string File { get; }

    /// <summary>The 1-based line on which the malformed row starts.</summary>
    public int Line { get; }

    /// <summary>What is wrong with the row, without the location.</summary>
    public string Problem { get; }
}
