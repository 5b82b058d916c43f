using Microsoft.ML.Tokenizers;

namespace SeqPack.Data;

/// <summary>
/// A sub-word tokeniser loaded from the vocabulary files a user gives, through Microsoft.ML.Tokenizers:
/// byte-pair encoding (Sennrich et al. 2016) from a <c>vocab.json</c> and a <c>merges.txt</c>, WordPiece
/// (Schuster and Nakajima 2012, as BERT uses it) from a <c>vocab.txt</c> of one token per line, or a
/// SentencePiece model (Kudo and Richardson 2018; unigram or BPE) from the <c>.model</c> file its trainer writes.
/// <see cref="Split"/> gives the sub-word strings, which SeqPack's <see cref="Vocabulary"/> then numbers
/// like any other tokens; <see cref="EncodeToIds"/> gives the file's own ids.
/// </summary>
public sealed class SubwordTokenizer
{
    /// <summary>The kinds <see cref="Open"/> knows, with the files each reads (the names they get in a run folder).</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Layouts = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["bpe"] = ["vocab.json", "merges.txt"],
        ["wordpiece"] = ["vocab.txt"],
        ["sentencepiece"] = ["sentencepiece.model"],
    };

    private readonly Microsoft.ML.Tokenizers.Tokenizer inner;
    private readonly int? unknownId;
    private readonly byte[][] contents;

    private SubwordTokenizer(Microsoft.ML.Tokenizers.Tokenizer inner, int? unknownId, string kind, string[] files, byte[][] contents)
    {
        this.inner = inner;
        this.unknownId = unknownId;
        this.contents = contents;
        Kind = kind;
        Files = files;
    }

    /// <summary>"bpe", "wordpiece" or "sentencepiece".</summary>
    public string Kind { get; }

    /// <summary>The vocabulary files the tokeniser was loaded from, in the order the factory takes them.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>BPE from a JSON map of token to id and a merges file (one "left right" pair per line, optional "#version" line).</summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">The files do not hold a BPE vocabulary and merges.</exception>
    public static SubwordTokenizer Bpe(string vocabPath, string mergesPath)
    {
        var bytes = Read([(vocabPath, nameof(vocabPath)), (mergesPath, nameof(mergesPath))]);
        return Load("bpe", [vocabPath, mergesPath], bytes, () =>
        {
            var t = BpeTokenizer.Create(new MemoryStream(bytes[0], writable: false), new MemoryStream(bytes[1], writable: false));
            return (t, t.UnknownToken is string unk && t.Vocabulary.TryGetValue(unk, out int id) ? id : null);
        });
    }

    /// <summary>
    /// WordPiece from a vocabulary of one token per line (continuations prefixed "##", unknown token "[UNK]"),
    /// with the package's default pre-tokenisation: words are split at white space only, so a word with
    /// attached punctuation that the vocabulary cannot spell becomes "[UNK]".
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no WordPiece vocabulary.</exception>
    public static SubwordTokenizer WordPiece(string vocabPath)
    {
        var bytes = Read([(vocabPath, nameof(vocabPath))]);
        return Load("wordpiece", [vocabPath], bytes, () =>
        {
            var t = WordPieceTokenizer.Create(new MemoryStream(bytes[0], writable: false));
            return (t, t.UnknownTokenId);
        });
    }

    /// <summary>
    /// SentencePiece from the model file (a <c>ModelProto</c>, as <c>spm_train</c> writes it; unigram or BPE)
    /// with the model's own normalisation, white-space handling and unknown piece, and no beginning- or
    /// end-of-sentence pieces added: the ids equal those of SentencePiece's <c>encode</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no SentencePiece model, or one of a type other than unigram or BPE.</exception>
    public static SubwordTokenizer SentencePiece(string modelPath)
    {
        var bytes = Read([(modelPath, nameof(modelPath))]);
        return Load("sentencepiece", [modelPath], bytes, () =>
        {
            var t = SentencePieceTokenizer.Create(new MemoryStream(bytes[0], writable: false), addBeginningOfSentence: false, addEndOfSentence: false);
            return (t, t.UnknownId);
        });
    }

    /// <summary>
    /// The tokeniser of <paramref name="kind"/> (a key of <see cref="Layouts"/>) from <paramref name="paths"/>, in
    /// the order its factory takes them; a wrong kind or number of files is an <see cref="ArgumentException"/>.
    /// </summary>
    internal static SubwordTokenizer Open(string kind, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(paths);
        if (!Layouts.TryGetValue(kind, out var layout))
            throw new ArgumentException($"sub-word tokenizer '{kind}' is not known; use {string.Join(", ", Layouts.Keys)}.", nameof(kind));
        if (paths.Count != layout.Length)
            throw new ArgumentException($"a {kind} tokenizer reads {layout.Length} file(s) ({string.Join(", ", layout)}), not {paths.Count}.", nameof(paths));
        return kind switch
        {
            "bpe" => Bpe(paths[0], paths[1]),
            "wordpiece" => WordPiece(paths[0]),
            _ => SentencePiece(paths[0]),
        };
    }

    /// <summary>The bytes of file <paramref name="index"/> of <see cref="Files"/> as they were loaded.</summary>
    internal ReadOnlySpan<byte> Content(int index) => contents[index];

    /// <summary>The sub-word tokens of <paramref name="text"/>.</summary>
    public string[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(text).Select(t => t.Value).ToArray();
    }

    /// <summary>
    /// The sub-word tokens of <paramref name="text"/>, with every piece the tokeniser itself does not know (the
    /// file's unknown id) given as <paramref name="unknown"/>.
    /// </summary>
    internal string[] Pieces(string text, string unknown) =>
        Encode(text).Select(t => t.Id == unknownId ? unknown : t.Value).ToArray();

    /// <summary>The ids the vocabulary file gives the tokens of <paramref name="text"/>.</summary>
    public int[] EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(text).Select(t => t.Id).ToArray();
    }

    private List<(int Id, string Value)> Encode(string text)
    {
        var tokens = inner.EncodeToTokens(text, out string? normalized);
        if (inner is not SentencePieceTokenizer sp) return tokens.Select(t => (t.Id, t.Value)).ToList();
        // SentencePiece's own encoder differs from the package's in two places, so the ids would not be those
        // of the model's trainer: a run of unknown characters is one unknown piece whose text is the run
        // (sentencepiece's unigram_model.cc and bpe_model.cc merge them), and a text of nothing but spaces is no
        // pieces at all when the model removes extra white space (the package gives a lone "▁").
        if (sp.Normalizer is SentencePieceNormalizer { RemoveExtraWhiteSpaces: true } && text.AsSpan().Trim(' ').IsEmpty) return [];
        string source = normalized ?? text;
        var result = new List<(int Id, string Value)>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Id != unknownId) { result.Add((t.Id, t.Value)); continue; }
            int start = t.Offset.Start.GetOffset(source.Length), end = t.Offset.End.GetOffset(source.Length);
            while (i + 1 < tokens.Count && tokens[i + 1].Id == unknownId) end = tokens[++i].Offset.End.GetOffset(source.Length);
            result.Add((t.Id, start <= end && end <= source.Length ? source[start..end] : t.Value));
        }
        return result;
    }

    private static byte[][] Read((string Path, string Name)[] files)
    {
        var result = new byte[files.Length][];
        for (int i = 0; i < files.Length; i++)
        {
            var (path, name) = files[i];
            ArgumentException.ThrowIfNullOrEmpty(path, name);
            if (!File.Exists(path))
                throw new FileNotFoundException(Directory.Exists(path)
                    ? $"The tokenizer file '{path}' ({name}) is a folder; give the file inside it."
                    : $"The tokenizer file '{path}' ({name}) does not exist.", path);
            result[i] = File.ReadAllBytes(path);
        }
        return result;
    }

    private static SubwordTokenizer Load(string kind, string[] files, byte[][] contents, Func<(Microsoft.ML.Tokenizers.Tokenizer, int?)> create)
    {
        try
        {
            var (inner, unknownId) = create();
            return new SubwordTokenizer(inner, unknownId, kind, files, contents);
        }
        // The package reports a malformed file with whatever its parser throws (JSON, protobuf, format and
        // argument errors); from in-memory streams none of them is an I/O failure.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"Could not load a {kind} tokenizer from {string.Join(" and ", files.Select(f => $"'{f}'"))}: {e.Message.TrimEnd('.')}; give {Expected(kind)}.", e);
        }
    }

    private static string Expected(string kind) => kind switch
    {
        "bpe" => "a JSON map of token to id and a merges file of \"left right\" lines",
        "wordpiece" => "a vocabulary of one token per line",
        _ => "the .model file SentencePiece's trainer wrote (unigram or BPE)",
    };
}
