using System.Diagnostics.CodeAnalysis;

// RS0026 ("do not add multiple overloads with optional parameters") protects callers compiled against a shipped
// version: a new optional-parameter overload can change which overload their source binds to. These pairs were
// designed together: the recurrent layers' Forward takes a PackedSequence or a padded tensor, each with an optional
// initial state (as torch.nn.LSTM accepts either); LayerNorm takes an int or int[] normalizedShape (as PyTorch);
// Embedding.ForwardPacked takes ids already in packed order or one id list per sequence. Each pair differs in the
// type of a required first parameter, so no call binds ambiguously. Members are listed by documentation ID, so a
// new overload anywhere else is still reported.
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Embedding.ForwardPacked(System.Collections.Generic.IReadOnlyList{System.Int32},System.Collections.Generic.IReadOnlyList{System.Int32},System.Collections.Generic.IReadOnlyList{System.Int32},System.Collections.Generic.IReadOnlyList{System.Int32})", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Embedding.ForwardPacked(System.Collections.Generic.IReadOnlyList{System.Collections.Generic.IReadOnlyList{System.Int32}},System.Boolean)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.LayerNorm.#ctor(System.Int32,System.Single,System.Boolean)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.LayerNorm.#ctor(System.Int32[],System.Single,System.Boolean)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Gru.Forward(SeqPack.PackedSequence,SeqPack.Tensor)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Gru.Forward(SeqPack.Tensor,SeqPack.Tensor)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Lstm.Forward(SeqPack.PackedSequence,System.Nullable{SeqPack.Nn.LstmState})", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Lstm.Forward(SeqPack.Tensor,System.Nullable{SeqPack.Nn.LstmState})", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Rnn.Forward(SeqPack.PackedSequence,SeqPack.Tensor)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Nn.Rnn.Forward(SeqPack.Tensor,SeqPack.Tensor)", Justification = "Overload pair designed together; see above.")]
// DataReader.Read takes a path or an open stream (with the name that stands for it), and ReduceLROnPlateau one minimum
// rate for all groups or one per group; again the required parameters differ in type.
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Data.DataReader.Read(System.String,SeqPack.Data.DataReaderOptions)~SeqPack.Data.Dataset", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Data.DataReader.Read(System.IO.Stream,System.String,SeqPack.Data.DataReaderOptions)~SeqPack.Data.Dataset", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Optim.ReduceLROnPlateau.#ctor(SeqPack.Optim.Optimizer,SeqPack.Optim.PlateauMode,System.Single,System.Int32,System.Single,SeqPack.Optim.ThresholdMode,System.Int32,System.Single,System.Single)", Justification = "Overload pair designed together; see above.")]
[assembly: SuppressMessage("ApiDesign", "RS0026", Scope = "member", Target = "~M:SeqPack.Optim.ReduceLROnPlateau.#ctor(SeqPack.Optim.Optimizer,System.Collections.Generic.IReadOnlyList{System.Single},SeqPack.Optim.PlateauMode,System.Single,System.Int32,System.Single,SeqPack.Optim.ThresholdMode,System.Int32,System.Single)", Justification = "Overload pair designed together; see above.")]
