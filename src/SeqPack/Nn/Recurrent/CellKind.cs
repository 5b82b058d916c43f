namespace SeqPack.Nn.Recurrent;

/// <summary>The recurrence a layer runs.</summary>
internal enum CellKind { Lstm, Gru, RnnTanh, RnnRelu }

internal static class CellKindExtensions
{
    /// <summary>Gate blocks per hidden unit: LSTM i,f,g,o = 4; GRU r,z,n = 3; plain RNN 1.</summary>
    public static int Gates(this CellKind kind) => kind switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => 1,
    };

    /// <summary>PyTorch's class name, for messages.</summary>
    public static string Name(this CellKind kind) => kind switch
    {
        CellKind.Lstm => "LSTM",
        CellKind.Gru => "GRU",
        _ => "RNN",
    };
}
