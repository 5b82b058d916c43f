namespace SeqPack.Models;

/// <summary>
/// What <see cref="SequenceClassifier"/> feeds its output layer from the last recurrent layer's outputs. Every
/// kind reads each sequence over its own steps only (a packed batch has no padding to mask).
/// </summary>
public enum ClassifierPooling
{
    /// <summary>The final hidden state of each direction (forward at the last step, backward at the first), concatenated: D·H features.</summary>
    FinalState,

    /// <summary>The element-wise maximum of the outputs over the sequence's steps: D·H features.</summary>
    Max,

    /// <summary>The final states (as <see cref="FinalState"/>) followed by the maximum over steps (as <see cref="Max"/>): 2·D·H features.</summary>
    FinalStateAndMax,

    /// <summary>The mean of the outputs over the sequence's steps followed by their maximum: 2·D·H features.</summary>
    MeanAndMax,
}
