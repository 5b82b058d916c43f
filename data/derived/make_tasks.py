#!/usr/bin/env python3
"""Builds the evaluation tasks for SeqPack's default training configuration from the shipped data.

Each task is one label<TAB>text file of at most 5,000 rows, of a shape the shipped tasks do not have, so that the defaults can be
checked on data they were not tuned on:

  ewt-marked-pos.tsv  17 classes, word in context: an English Web Treebank sentence with one word marked in
                      place by brackets (`the [dog] barked`); the label is that word's UPOS tag, so the model
                      must find the mark and read the word and its neighbours.
  ewt-cloze.tsv       24 classes, many-class cloze: a sentence with one occurrence of one of the 24 most frequent
                      function words (determiners, prepositions, pronouns, auxiliaries, conjunctions) replaced
                      by ___ ; the label is the word. At most 220 rows a word, so that 'the' does not dominate.
  sms-bundle.tsv      long texts: four SMS messages joined with ' | '; 'spam' when any of them is spam.
  ewt-question.tsv    imbalanced (about 6% positive): an English Web Treebank sentence with its final
                      punctuation removed; 'question' when it ended with '?', else 'statement'.

Usage: python3 data/derived/make_tasks.py OUT_DIR   (deterministic: the same files every time)
The files derive from data/ud-ewt-pos and data/sms-spam, so their NOTICE files are copied beside them.
"""
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PUNCT_END = {".", "?", "!", "...", "..", "!!", "?!", "!?", "??"}


def ewt_sentences():
    for split in ("train", "dev", "test"):
        with open(os.path.join(ROOT, "data", "ud-ewt-pos", split + ".tsv"), encoding="utf-8") as f:
            for line in f:
                tokens, tags = line.rstrip("\n").split("\t")
                yield tokens.split(" "), tags.split(" ")


def marked_pos(rng):
    rows = []
    for tokens, tags in ewt_sentences():
        if len(tokens) < 4:
            continue
        i = rng.randrange(len(tokens))
        if tags[i] == "PUNCT":  # punctuation is a fifth of all tokens and trivial; draw once more
            i = rng.randrange(len(tokens))
        marked = tokens[:i] + ["[" + tokens[i] + "]"] + tokens[i + 1:]
        rows.append((tags[i], " ".join(marked)))
    return rows


FUNCTION_TAGS = {"ADP", "DET", "PRON", "AUX", "CCONJ", "SCONJ", "PART"}
CLOZE_WORDS = 24
CLOZE_PER_WORD = 220


def cloze(rng):
    sentences = [(tokens, tags) for tokens, tags in ewt_sentences() if len(tokens) >= 4]
    counts = {}
    for tokens, tags in sentences:
        for w, t in zip(tokens, tags):
            if t in FUNCTION_TAGS:
                counts[w.lower()] = counts.get(w.lower(), 0) + 1
    words = set(sorted(counts, key=lambda w: (-counts[w], w))[:CLOZE_WORDS])
    rng.shuffle(sentences)
    per_word = {w: 0 for w in words}
    rows = []
    for tokens, tags in sentences:
        spots = [i for i, (w, t) in enumerate(zip(tokens, tags)) if t in FUNCTION_TAGS and w.lower() in words]
        if not spots:
            continue
        i = rng.choice(spots)
        word = tokens[i].lower()
        if per_word[word] >= CLOZE_PER_WORD:
            continue
        per_word[word] += 1
        rows.append((word, " ".join(tokens[:i] + ["___"] + tokens[i + 1:])))
    return rows


def sms_bundle(rng):
    with open(os.path.join(ROOT, "data", "sms-spam", "sms-spam.tsv"), encoding="utf-8") as f:
        messages = [line.rstrip("\n").split("\t", 1) for line in f if "\t" in line]
    rng.shuffle(messages)
    rows = []
    for start in range(0, len(messages) - 3, 4):
        group = messages[start:start + 4]
        label = "spam" if any(m[0] == "spam" for m in group) else "ham"
        rows.append((label, " | ".join(m[1].replace("\t", " ") for m in group)))
    return rows


def question(rng):
    rows = []
    for tokens, _ in ewt_sentences():
        label = "question" if tokens[-1] == "?" else "statement"
        while tokens and tokens[-1] in PUNCT_END:
            tokens = tokens[:-1]
        if tokens:
            rows.append((label, " ".join(tokens)))
    return rows


ROWS = 5000  # a task the size of the shipped SMS file: enough to rank configurations, cheap to train on 2 cores


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, build in (("ewt-marked-pos", marked_pos), ("sms-bundle", sms_bundle), ("ewt-question", question),
                        ("ewt-cloze", cloze)):
        rng = random.Random(20261206)
        rows = build(rng)
        if len(rows) > ROWS:
            rows = rng.sample(rows, ROWS)
        with open(os.path.join(out, name + ".tsv"), "w", encoding="utf-8", newline="\n") as f:
            for label, text in rows:
                f.write(f"{label}\t{text}\n")
        print(f"{name}.tsv: {len(rows)} rows")
    shutil.copy(os.path.join(ROOT, "data", "ud-ewt-pos", "NOTICE.md"), os.path.join(out, "NOTICE-ud-ewt-pos.md"))
    shutil.copy(os.path.join(ROOT, "data", "sms-spam", "NOTICE.md"), os.path.join(out, "NOTICE-sms-spam.md"))


if __name__ == "__main__":
    main()
