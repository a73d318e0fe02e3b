"""The course's identity in one place: repository URL, lecture list, Colab badge and setup cell.

Every notebook's badge and setup cell are rendered from here; `tests/notebooks/test_notebook_structure.py`
fails if a notebook drifts from them, and `python -m helpers.maintainer.record` rewrites them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_URL = "https://github.com/text-to-vectors/text-to-vectors"
REPO_DIR_NAME = "text-to-vectors"
BRANCH = "main"
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"


@dataclass(frozen=True)
class Lecture:
    """One lecture notebook: its number ("1b" for a lecture inserted after 1), file name, title and summary."""

    number: int | str
    filename: str
    title: str
    summary: str


LECTURES: tuple[Lecture, ...] = (
    Lecture(0, "00_setup.ipynb", "Setup and the map of the course",
            "Check your environment, see the whole pipeline, and tokenize a first sentence."),
    Lecture(1, "01_tokenization.ipynb", "Tokenization: text → tokens → ids → batches",
            "A regex tokenizer, byte-pair encoding, GPT-2's byte-level BPE written by hand and checked against "
            "tiktoken, and sliding windows batched by PyTorch's DataLoader."),
    Lecture("1b", "01b_tokenizers_2026.ipynb", "The tokenizers of 2026: GPT-4o's tokenizer, your own BPE, the pitfalls",
            "GPT-4's and GPT-4o's tokenizers offline, what changed since GPT-2 (regex, languages, code), glitch "
            "tokens, a byte-level BPE trained on the corpus and checked against tokenizers, WordPiece, Unigram, "
            "and special tokens as a security boundary."),
    Lecture(2, "02_token_embeddings.ipynb", "Token embeddings: ids → vectors",
            "The embedding matrix, lookup vs one-hot, weight tying, word vectors trained on the corpus over five "
            "seeds, and MiniLM's real pretrained table."),
    Lecture(3, "03_absolute_positions.ipynb", "Why order matters: absolute positions",
            "Attention cannot see order; learned and sinusoidal position embeddings fix that, checked against "
            "transformers' own sinusoid."),
    Lecture(4, "04_relative_positions.ipynb", "Relative positions: T5 bias, ALiBi, RoPE",
            "Position as distance inside attention, each scheme checked against BLOOM, Llama, GPT-NeoX and T5 "
            "code, RoPE past its training length, and a race of seven position schemes over five seeds."),
    Lecture(5, "05_segment_embeddings.ipynb", "Segment embeddings: BERT's sentence A / B",
            "[CLS] A [SEP] B [SEP], token_type_ids, padded and truncated batches of pairs, all checked against the "
            "real BERT tokenizer and BertModel."),
    Lecture(6, "06_input_embedding.ipynb", "The input embedding: putting it all together",
            "One InputEmbedding module from raw text to (batch, seq_len, d_model), equal to BertModel's embedding "
            "layer on real weights."),
    Lecture(7, "07_decoder_inputs.ipynb", "The input of a decoder",
            "GPT-2, Llama and Gemma's input layers checked against transformers, position ids for left padding and "
            "packing, RoPE with a KV cache, chat templates and the loss mask, the three mask conventions, NoPE."),
)

SETUP_CELL_TAG = "setup"
BADGE_CELL_TAG = "colab-badge"


def colab_url(filename: str) -> str:
    """The Open-in-Colab address of a notebook in this repository."""
    github_path = REPO_URL.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{github_path}/blob/{BRANCH}/notebooks/{filename}"


def badge_markdown(filename: str) -> str:
    """The Markdown of the Open-in-Colab badge that heads every notebook."""
    image = "https://colab.research.google.com/assets/colab-badge.svg"
    return f"[![Open In Colab]({image})]({colab_url(filename)})"


COLAB_DIR = f"/content/{REPO_DIR_NAME}"  # where the setup cell fetches the course on Colab


def setup_cell_source() -> str:
    """The setup cell shared by every notebook, three lines: on Colab fetch the course code, import helpers, set up.

    Locally, `pip install --no-deps -e .` (the README's run command) makes `helpers` importable from anywhere, and
    line 2 does nothing. On Colab, line 2 clones the repository into /content once per runtime (a rerun, or
    Restart session, finds the clone) and puts it first on sys.path; it never installs requirements.txt, because that
    would replace Colab's torch and ipywidgets. If `import helpers` fails, or finds another package called helpers,
    the line that fails says where the fix is (README.md, "Troubleshooting").
    """
    parent, name = COLAB_DIR.rsplit("/", 1)
    fetch = f"test -d {name} || git clone -q --depth=1 {REPO_URL} {name}"
    return "\n".join([
        "import subprocess, sys  # Setup, the same in every lecture. Line 2 acts on Colab only: it fetches the course.",
        f'if "google.colab" in sys.modules: subprocess.run("{fetch}", shell=True, check=True, cwd="{parent}"); '
        f'sys.path.insert(0, "{COLAB_DIR}")',
        "import helpers; device = helpers.setup(seed=0)  "
        '# An error here? README.md, "Troubleshooting" (locally: pip install -e .)',
    ])
