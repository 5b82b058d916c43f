namespace SeqPack;

/// <summary>
/// Where the library reports conditions that are legal but probably not what the caller meant (PyTorch's
/// <c>warnings.warn</c>). The library never prints: subscribe to <see cref="Raised"/> to show or log them
/// (the <c>seqpack</c> command prints them to standard error).
/// </summary>
public static class Warnings
{
    /// <summary>Raised with the text of each warning, on the thread that caused it.</summary>
    public static event Action<string>? Raised;

    /// <summary>Reports <paramref name="message"/> to every subscriber of <see cref="Raised"/>.</summary>
    internal static void Warn(string message) => Raised?.Invoke(message);
}
