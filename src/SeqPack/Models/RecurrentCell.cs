namespace SeqPack.Models;

/// <summary>The recurrent layer of a model.</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory (<see cref="Nn.Lstm"/>).</summary>
    Lstm,
    /// <summary>Gated recurrent unit (<see cref="Nn.Gru"/>).</summary>
    Gru,
}
