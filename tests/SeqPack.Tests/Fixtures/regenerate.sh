#!/usr/bin/env bash
# Regenerates every fixture in this folder: runs each make_*.py script with the system interpreter,
# which has PyTorch 1.13 (apt-get install -y python3-torch) and SentencePiece 0.1.97 for the tokenizer fixtures
# (apt-get install -y python3-sentencepiece). Usage: tests/SeqPack.Tests/Fixtures/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=/usr/bin/python3
"$PYTHON" -c 'import torch; print("PyTorch", torch.__version__)'
"$PYTHON" -c 'import sentencepiece; print("SentencePiece", sentencepiece.__version__)'
for script in make_*.py; do
    echo "== $script"
    "$PYTHON" "$script"
done
