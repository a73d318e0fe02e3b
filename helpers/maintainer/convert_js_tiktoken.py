"""Convert js-tiktoken's rank files (npm, MIT) into tiktoken's `.tiktoken` format, checked by SHA-256.

js-tiktoken ships each encoding as `dist/ranks/<name>.js`: `export default {"pat_str": ..., "bpe_ranks": ...}`,
where `bpe_ranks` holds lines `<marker> <first rank> <base64 token> <base64 token> ...` (consecutive ranks),
decoded exactly as js-tiktoken's own loader does (`dist/chunk-*.js`, class Tiktoken). tiktoken's format is one
line per token, `<base64 token> <rank>`, in rank order. The result must have the SHA-256 that tiktoken itself
checks (`tiktoken_ext/openai_public.py`), or nothing is written.

    cd /tmp && npm pack js-tiktoken@1.0.21 && tar xzf js-tiktoken-1.0.21.tgz
    python -m helpers.maintainer.convert_js_tiktoken /tmp/package/dist/ranks
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from helpers.tokenizer_files import TIKTOKEN_DIR, TIKTOKEN_FILES


def tiktoken_bytes(js_source: str) -> bytes:
    """The `.tiktoken` file for one js-tiktoken rank module (its text)."""
    body = js_source.strip().removeprefix("export default").strip().removesuffix(";")
    ranks: dict[str, int] = {}
    for line in json.loads(body)["bpe_ranks"].split("\n"):
        if not line:
            continue
        _, offset, *tokens = line.split(" ")
        for i, token in enumerate(tokens):
            ranks[token] = int(offset) + i
    ordered = sorted(ranks.items(), key=lambda item: item[1])
    return "".join(f"{token} {rank}\n" for token, rank in ordered).encode("ascii")


def main(argv: list[str] | None = None) -> int:
    """Convert cl100k_base and o200k_base from a folder of js-tiktoken rank modules into data/tiktoken/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ranks_dir", type=Path, help="js-tiktoken's dist/ranks folder")
    parser.add_argument("--out", type=Path, default=TIKTOKEN_DIR, help="where to write the .tiktoken files")
    args = parser.parse_args(argv)
    for name, expected in TIKTOKEN_FILES.items():
        source = args.ranks_dir / name.replace(".tiktoken", ".js")
        if not source.is_file():
            print(f"convert: {source} is missing; pass js-tiktoken's dist/ranks folder.", file=sys.stderr)
            return 2
        data = tiktoken_bytes(source.read_text(encoding="utf-8"))
        digest = hashlib.sha256(data).hexdigest()
        if digest != expected:
            print(f"convert: {name} has SHA-256 {digest}, tiktoken expects {expected}; nothing written.",
                  file=sys.stderr)
            return 1
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / name).write_bytes(data)
        print(f"wrote {args.out / name} ({len(data):,} bytes, SHA-256 matches tiktoken's)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
