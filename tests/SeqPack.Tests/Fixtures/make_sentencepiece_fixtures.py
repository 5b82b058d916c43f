# Fixtures for SubwordTokenizer.SentencePiece: trains two small SentencePiece models (unigram and BPE, 400
# pieces each) on the texts of the shipped SMS spam data and records how SentencePiece itself encodes a set of
# strings (ids and pieces), so the test can check that SeqPack's tokeniser gives the same ids.
# Needs Debian's python3-sentencepiece (apt-get install -y python3-sentencepiece); no PyTorch.
# Writes tokenizers/sentencepiece-unigram.model, tokenizers/sentencepiece-bpe.model and
# tokenizers/sentencepiece_cases.json.
import json
import os
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tokenizers")
SMS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "data", "sms-spam", "sms-spam.tsv"))

# The unigram model keeps SentencePiece's default normalisation (nmt_nfkc: NFKC plus white-space folding);
# the BPE model uses the identity rule, so both normaliser paths are checked and the files stay small.
MODELS = {
    "unigram": {"model_type": "unigram", "normalization_rule_name": "nmt_nfkc"},
    "bpe": {"model_type": "bpe", "normalization_rule_name": "identity"},
}

CASES = [
    "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.",
    "Ok lar... Joking wif u oni...",
    "",
    " ",
    "   ",
    "Hello  world",
    "  leading and trailing  ",
    "tab\tand\nnewline",
    "CALL 08452810075 NOW!!!",
    "naïve café in Zürich",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "日本語のテキスト",
    "emoji 😀 and ❤",
    "unknown ℵ ∮ ⌘ chars",
    "ℵℵℵ",
    "u r a winner! txt WIN to 80086 £1000",
]


def texts():
    with open(SMS, encoding="utf-8") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            if text:
                yield text


def main():
    result = {"cases": CASES, "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        # The model records its training input and prefix: relative names keep the files the same on every run.
        os.chdir(tmp)
        corpus = "sms.txt"
        with open(corpus, "w", encoding="utf-8") as f:
            for t in texts():
                f.write(t + "\n")
        for name, options in MODELS.items():
            prefix = name
            spm.SentencePieceTrainer.train(
                input=corpus, model_prefix=prefix, vocab_size=400, character_coverage=1.0,
                num_threads=1, minloglevel=2, **options)
            model_file = f"sentencepiece-{name}.model"
            with open(prefix + ".model", "rb") as src, open(os.path.join(OUT, model_file), "wb") as dst:
                dst.write(src.read())
            sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
            result["models"][name] = {
                "file": model_file,
                "vocab_size": sp.get_piece_size(),
                "unk_id": sp.unk_id(),
                "ids": [sp.encode(c, out_type=int) for c in CASES],
                "pieces": [sp.encode(c, out_type=str) for c in CASES],
            }
    with open(os.path.join(OUT, "sentencepiece_cases.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("SentencePiece", spm.__version__, {n: m["vocab_size"] for n, m in result["models"].items()})


if __name__ == "__main__":
    main()
