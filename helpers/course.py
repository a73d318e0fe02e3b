"""The course's identity in one place: repository URL, lecture list, Colab badge and setup cell.

Every notebook's badge and setup cell are rendered from here; `tests/test_notebook_structure.py`
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
    """One lecture notebook: its file name, title and a one-line summary for the README."""

    number: int
    filename: str
    title: str
    summary: str


LECTURES: tuple[Lecture, ...] = (
    Lecture(0, "00_setup.ipynb", "Setup and the map of the course",
            "Check your environment, see the whole pipeline, and tokenize a first sentence."),
    Lecture(1, "01_tokenization.ipynb", "Tokenization: text → tokens → ids → batches",
            "A regex tokenizer, byte-pair encoding, GPT-2's byte-level BPE written by hand and checked against "
            "tiktoken, and sliding windows batched by PyTorch's DataLoader."),
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


def setup_cell_source() -> str:
    """The setup cell shared by every notebook: find (or on Colab, fetch) the course, then set up.

    On Colab it clones the repository and puts it on sys.path; it never installs requirements.txt,
    because that would replace Colab's torch and ipywidgets.
    """
    return f'''# Setup (the same in every lecture): find the course code (on Colab: fetch it), pick a device, seed.
import pathlib, subprocess, sys
if "google.colab" in sys.modules and not pathlib.Path("{REPO_DIR_NAME}").is_dir():
    subprocess.run(["git", "clone", "--depth=1", "--quiet", "{REPO_URL}", "{REPO_DIR_NAME}"], check=True)
here = pathlib.Path.cwd().resolve()
candidates = [here, *here.parents, here / "{REPO_DIR_NAME}"]
root = next((p for p in candidates if (p / "helpers" / "__init__.py").is_file()), None)
if root is None:
    raise RuntimeError("Cannot find the course's helpers/ folder. Open this notebook from the "
                       "course repository (see README.md), or run it on Colab.")
if str(root) not in sys.path:
    sys.path.insert(0, str(root))
import helpers
device = helpers.setup(seed=0)'''
