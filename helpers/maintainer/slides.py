"""Slide decks for a lecture room: one self-contained HTML file per lecture that starts with the network unplugged.

Usage (from the repository root):  python -m helpers.maintainer.slides [notebooks/NN_name.ipynb ...] [--out DIR]

A deck holds the lecture's core path (everything before `## Going deeper`) with its stored outputs, and closes
with the homework (`## Homework`, at the end of the notebook) so the lecturer can set it. It hides what a room
does not need: the setup cell, prompts, the code of cells that draw a figure, live widgets (their
static picture stays), solutions and rubrics. Each `#`/`##` heading starts a slide; what does not fit on a
1280x720 slide continues on a sub-slide below. The talking points stored on each section heading
(`cell.metadata["lecturer"]["talking_points"]`) become speaker notes (press S). reveal.js 5 (MIT, vendored from
npm in `helpers/maintainer/reveal/`) is inlined into every deck, so a deck is one file that runs from a USB stick.

Readability rule (checked in a real browser by tests/notebooks/test_slides_offline.py): on the 1280x720 slide, prose is
at least 24 px, code and printed output at least 18 px, and the smallest text inside a figure at least 12 px
(figures are enlarged to fill the slide; each stored figure carries its smallest text size, measured by
helpers.plotting when it was drawn).
"""
from __future__ import annotations

import argparse
import base64
import html
import json
import re
import struct
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from helpers.course import NOTEBOOKS_DIR, ROOT
from helpers.maintainer.notebook_parts import DEEPER, cell_parts

REVEAL_DIR = Path(__file__).resolve().parent / "reveal"
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
CONTENT_WIDTH = 1180                 # the slide minus its side margins
CONTENT_HEIGHT = 600                 # the slide minus its title line and margins
MAX_FIGURE_HEIGHT = 560
MAX_FIGURE_SCALE = 1.6               # figures are enlarged up to this factor to fill the slide
CODE_CHARS = 96                      # characters of code on one line of a slide before it wraps
MAX_CODE_LINES = 18                  # a longer code cell continues on the next page
MAX_OUTPUT_LINES = 14                # longer printed output is cut on the slide (the notebook has all of it)
PROSE_PX, CODE_PX, OUTPUT_PX = 24, 19, 18
FIGURE_TEXT_PX = 12                  # the smallest text inside a figure (tick labels), as shown on the slide
HIDDEN_TAGS = {"setup", "solution", "rubric"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@dataclass
class Block:
    """One piece of a slide (rendered HTML) with an estimate of its height on the slide, in pixels."""

    html: str
    height: int


@dataclass
class Slide:
    """A vertical stack of sub-slides under one heading, with the section's speaker notes."""

    title: str
    level: int
    notes: list[str]
    pages: list[list[Block]] = field(default_factory=lambda: [[]])


def deck_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells a room sees: the core path and the homework (not Going deeper), without hidden or kernel-only
    cells (the rubric is hidden)."""
    kept = []
    for part, cell in cell_parts(notebook):
        if part == DEEPER:
            continue
        if HIDDEN_TAGS & set(cell.metadata.get("tags", [])) or not cell.source.strip():
            continue
        if cell.cell_type == "code" and any(WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", [])):
            continue
        kept.append(cell)
    return kept


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes when lines longer than `width` characters wrap."""
    return sum(max(1, -(-len(line) // width)) for line in text.splitlines() or [""])


def png_facts(data: str) -> tuple[int, int, dict[str, str]]:
    """Width, height and text chunks (e.g. 'Smallest text px', written by helpers.plotting) of a base64 PNG."""
    raw = base64.b64decode(data)
    width, height = struct.unpack(">II", raw[16:24])
    texts, at = {}, 8
    while at + 8 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[at:at + 8])
        if kind == b"tEXt":
            key, _, value = raw[at + 8:at + 8 + length].partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        at += 12 + length
    return width, height, texts


def figure_block(data: str) -> Block:
    """A stored figure, enlarged (up to MAX_FIGURE_SCALE) to fill the slide without leaving it."""
    width, height, texts = png_facts(data)
    scale = min(MAX_FIGURE_SCALE, CONTENT_WIDTH / width, MAX_FIGURE_HEIGHT / height)
    shown_w, shown_h = round(width * scale), round(height * scale)
    image = (f'<img class="figure" src="data:image/png;base64,{data}" width="{shown_w}" height="{shown_h}" '
             f'data-natural-width="{width}" data-smallest-text-px="{texts.get("Smallest text px", "")}" '
             f'alt="{html.escape(texts.get("Description", "figure"))}">')
    return Block(image, shown_h + 12)


def output_block(text: str) -> Block:
    """Printed output, cut to MAX_OUTPUT_LINES lines (the notebook shows the rest)."""
    lines = text.rstrip("\n").splitlines()
    if len(lines) > MAX_OUTPUT_LINES:
        hidden = len(lines) - MAX_OUTPUT_LINES + 1
        lines = lines[:MAX_OUTPUT_LINES - 1] + [f"… {hidden} more lines in the notebook"]
    text = "\n".join(lines)
    return Block(f'<pre class="output">{html.escape(text)}</pre>', wrapped_lines(text, 100) * 24 + 18)


def code_blocks(cell: nbformat.NotebookNode) -> list[Block]:
    """A code cell: its source (unless it only draws a figure; a long one split at blank lines) and its outputs."""
    outputs = cell.get("outputs", [])
    draws = any("image/png" in o.get("data", {}) for o in outputs)
    blocks = []
    if not draws:
        for part in chunks(cell.source.splitlines(), MAX_CODE_LINES):
            source = "\n".join(part)
            shown = highlight(source, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=True, style="friendly"))
            blocks.append(Block(f'<pre class="code">{shown}</pre>', wrapped_lines(source, CODE_CHARS) * 26 + 20))
    for output in outputs:
        if output.output_type == "stream":
            blocks.append(output_block(output.text))
        elif output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data:
                blocks.append(figure_block(data["image/png"]))
            elif "text/plain" in data:
                blocks.append(output_block(data["text/plain"]))
    return blocks


def chunks(lines: list[str], most: int, width: int = CODE_CHARS) -> list[list[str]]:
    """Lines cut into pieces of at most `most` lines as shown (a line longer than `width` characters wraps and counts
    more), preferably at a blank line."""
    pieces: list[list[str]] = [[]]
    shown = 0
    for line in lines:
        size = wrapped_lines(line, width)
        if pieces[-1] and (shown + size > most or (not line.strip() and shown >= most // 2)):
            pieces.append([])
            shown = 0
        if line.strip() or pieces[-1]:
            pieces[-1].append(line)
            shown += size
    return [piece for piece in pieces if piece]


REMOTE_IMAGE = re.compile(r"\[?!\[[^\]]*\]\(https?://[^)]*\)(\]\([^)]*\))?")   # e.g. the Open-in-Colab badge
BLOCK_START = re.compile(r"^(\s*$|[-*] |\d+\. |#{1,4} )")       # a blank line, a list item or a heading


def markdown_blocks(source: str) -> list[Block]:
    """Prose rendered as HTML, one block per paragraph or list item (so a long cell continues on the next page);
    images from the web are dropped (a room may be offline). Heights are estimated from wrapped lines."""
    source = REMOTE_IMAGE.sub("", source).strip()
    pieces, fenced = [[]], False
    for line in source.splitlines():
        fenced ^= line.lstrip().startswith("```")
        if not fenced and BLOCK_START.match(line) and not line.lstrip().startswith("|") and pieces[-1]:
            pieces.append([])
        pieces[-1].append(line)
    blocks = []
    for part in [part for piece in pieces for part in table_parts(piece)]:
        text = "\n".join(part).strip()
        if text:
            lines = wrapped_lines(re.sub(r"[*`]|\]\([^)]*\)", "", text), 76)
            blocks.append(Block(f'<div class="prose">{markdown2html_mistune(text)}</div>', lines * 37 + 16))
    return blocks


def table_parts(lines: list[str], most_rows: int = 8) -> list[list[str]]:
    """A long Markdown table cut into tables of at most `most_rows` rows, each with the header repeated."""
    if len(lines) <= most_rows + 2 or not lines[0].lstrip().startswith("|"):
        return [lines]
    header, rows = lines[:2], lines[2:]
    return [header + rows[i:i + most_rows] for i in range(0, len(rows), most_rows)]


def heading(cell: nbformat.NotebookNode) -> tuple[int, str, str] | None:
    """(level, title, the rest of the cell) if a Markdown cell opens with a heading."""
    match = re.match(r"(#{1,3})\s+(.*)", cell.source) if cell.cell_type == "markdown" else None
    if not match:
        return None
    return len(match.group(1)), match.group(2).strip(), cell.source[match.end():].strip()


def build_slides(notebook: nbformat.NotebookNode) -> list[Slide]:
    """Group the core cells under their headings and pack each group into pages that fit the slide."""
    slides: list[Slide] = []
    for cell in deck_cells(notebook):
        head = heading(cell)
        if head and head[0] <= 2 or not slides:
            level, title, rest = head or (2, "", cell.source)
            notes = cell.metadata.get("lecturer", {}).get("talking_points", [])
            slides.append(Slide(title=title, level=level, notes=list(notes)))
            blocks = markdown_blocks(rest)
        elif head:                                   # ### sub-heading: a new page under the same slide
            slides[-1].pages.append([])
            blocks = markdown_blocks(cell.source)
        elif cell.cell_type == "markdown":
            blocks = markdown_blocks(cell.source)
        else:
            blocks = code_blocks(cell)
        for block in blocks:
            page = slides[-1].pages[-1]
            if page and sum(b.height for b in page) + block.height > CONTENT_HEIGHT:
                slides[-1].pages.append([])
            slides[-1].pages[-1].append(block)
    return slides


def _asset(name: str) -> str:
    return (REVEAL_DIR / name).read_text(encoding="utf-8")


EMOJI = '"Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"'   # ✅ ❌ 🎻 from the system's emoji font
STYLE = f"""
.reveal {{ font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif, {EMOJI}; font-size: {PROSE_PX}px; }}
.reveal .slides section {{ text-align: left; top: 0; padding: 16px 40px; box-sizing: border-box; }}
.reveal .slides section * {{ box-sizing: border-box; }}
.reveal .slides section.stack {{ padding: 0; }}
.reveal h1, .reveal h2, .reveal h3 {{ font-family: inherit; text-transform: none; margin: 0 0 12px 0; }}
.reveal h1 {{ font-size: 44px; }} .reveal h2 {{ font-size: 36px; }} .reveal h3 {{ font-size: 30px; }}
.reveal p, .reveal li {{ font-size: {PROSE_PX}px; line-height: 1.4; margin: 0 0 10px 0; }}
.reveal ul, .reveal ol {{ margin: 0 0 10px 1.2em; }}
.reveal table {{ font-size: 20px; margin: 0 0 10px 0; }}
.reveal table th, .reveal table td {{ padding: 2px 10px; }}
.reveal pre {{ width: 100%; box-shadow: none; margin: 0 0 8px 0; white-space: pre-wrap; word-break: break-word; }}
.reveal pre.code {{ font-size: {CODE_PX}px; line-height: 1.3; background: #f6f8fa; padding: 6px 10px; }}
.reveal pre.output {{ font-size: {OUTPUT_PX}px; line-height: 1.25; background: #ffffff; padding: 2px 10px;
                     border-left: 4px solid #d0d7de; }}
.reveal code, .reveal pre {{ font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace, {EMOJI};
                            text-transform: none; }}
.reveal pre code {{ max-height: none; }}
.reveal img.figure {{ display: block; margin: 0 auto 8px auto; max-width: none; max-height: none; }}
.reveal .continued {{ color: #57606a; }}
"""


def render_deck(notebook: nbformat.NotebookNode, title: str) -> str:
    """The whole deck as one HTML page with reveal.js and its speaker-notes plugin inlined."""
    sections = []
    for slide in build_slides(notebook):
        pages = []
        for n, page in enumerate(slide.pages):
            tag = "h1" if slide.level == 1 else "h2"
            label = html.escape(slide.title) + (' <span class="continued">(continued)</span>' if n else "")
            heading_html = f"<{tag}>{label}</{tag}>" if slide.title else ""
            notes = ("<aside class=\"notes\"><ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in slide.notes)
                     + "</ul></aside>") if slide.notes and n == 0 else ""
            pages.append(f"<section>{heading_html}{''.join(b.html for b in page)}{notes}</section>")
        sections.append(f"<section>{''.join(pages)}</section>" if len(pages) > 1 else pages[0])
    config = json.dumps({"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT, "margin": 0.02, "center": False,
                         "hash": True, "slideNumber": "c/t", "transition": "none"})
    return textwrap.dedent(f"""\
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
        <style>{_asset("reveal.css")}</style><style>{_asset("white.css")}</style><style>{STYLE}</style>
        </head><body><div class="reveal"><div class="slides">
        {"".join(sections)}
        </div></div>
        <script>{_asset("reveal.js")}</script><script>{_asset("notes.js")}</script>
        <script>Reveal.initialize(Object.assign({config}, {{plugins: [RevealNotes]}}));</script>
        </body></html>
        """)


def deck_title(notebook: nbformat.NotebookNode, path: Path) -> str:
    """The lecture's title line (its first heading), or the file name."""
    first = next((heading(c) for c in notebook.cells if heading(c)), None)
    return first[1] if first else path.stem


def write_deck(path: Path, out_dir: Path) -> Path:
    """Write `<out_dir>/<notebook stem>.slides.html` and return its path."""
    notebook = nbformat.read(path, as_version=4)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{path.stem}.slides.html"
    target.write_text(render_deck(notebook, deck_title(notebook, path)), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write offline slide decks (one HTML file per lecture).")
    parser.add_argument("notebooks", nargs="*", type=Path, help="lectures (default: every notebook)")
    parser.add_argument("--out", type=Path, default=ROOT / "slides",
                        help="folder for the decks (default: slides/ in the repository; git ignores it)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"slides: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        for path in paths:
            print(f"wrote {write_deck(path, args.out)}")
    except OSError as error:
        print(f"slides: cannot write into {args.out}: {error.strerror or error}. Choose another folder with --out.",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
