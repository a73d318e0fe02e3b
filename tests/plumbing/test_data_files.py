"""Every file in data/ is listed in data/SHA256SUMS with the right hash, and nothing is unlisted."""
import hashlib

import pytest

from helpers.course import ROOT

DATA = ROOT / "data"
UNHASHED = {"README.md", "SHA256SUMS"}


def listed_hashes() -> dict[str, str]:
    lines = (DATA / "SHA256SUMS").read_text().splitlines()
    return {name.strip(): digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip())}


@pytest.mark.parametrize("name", sorted(listed_hashes()))
def test_data_file_matches_its_sha256(name):
    path = DATA / name
    assert path.is_file(), f"data/{name} is listed in data/SHA256SUMS but missing"
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == listed_hashes()[name], (
        f"data/{name} changed" + (": it has Windows line endings (CRLF); repair the checkout with "
                                  "`git -c core.autocrlf=false checkout HEAD -- data`" if b"\r\n" in data else ""))


def test_every_data_file_is_listed():
    present = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()} - UNHASHED
    assert present == set(listed_hashes()), "update data/SHA256SUMS (cd data && sha256sum ...)"
