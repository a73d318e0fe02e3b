"""Render the course as a small static website that reads offline: an index page and one page per lecture.

Usage (from the repository root):  python -m helpers.maintainer.site [--out site]
The site builder never destroys work: it writes only into a new or empty folder, or one that holds nothing but
a previous build (marked by its `.course-site` file, which lists the pages it wrote). Anything else (the
repository, a folder holding it, notebooks/, a folder with other files, a file) is refused and left untouched.
Lectures are rendered in course order with their stored outputs (nothing is executed) by nbconvert, with
JupyterLab's look. Figures get alt text from their titles (see `helpers.plotting.figure_alt_text`),
solutions are collapsed, live widgets are replaced by a note (the static picture above each one stays),
links between lectures point to their pages, and links to other repository files point to GitHub.
Formulas are typeset by MathJax when a network is available; offline they show as LaTeX source.
"""
from __future__ import annotations

import argparse
import base64
import copy
import html
import io
import os
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from PIL import Image

from helpers.course import BRANCH, LECTURES, NOTEBOOKS_DIR, REPO_URL, ROOT, Lecture, colab_url
from helpers.maintainer.notebook_parts import is_instructors

TEMPLATES = Path(__file__).resolve().parent / "site_templates"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ('<p class="course-widget-note">Interactive widget: open this lecture in JupyterLab or Colab to use '
               'it. The picture above shows its default state.</p>')
MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")
MARKER = ".course-site"  # written into every build: says the folder is a site build and lists its pages
MARKER_HEADER = "Built by `python -m helpers.maintainer.site`; it replaces the files listed below on the next build."


class SiteFolderError(ValueError):
    """The output folder is not one the site builder may write into; nothing was changed."""


def present_lectures() -> list[Lecture]:
    """The lectures whose notebooks exist, in course order."""
    return [lecture for lecture in LECTURES if (NOTEBOOKS_DIR / lecture.filename).is_file()]


def page_name(filename: str) -> str:
    """The site page of a lecture notebook: 03_absolute_positions.ipynb -> 03_absolute_positions.html."""
    return Path(filename).with_suffix(".html").name


def site_link(target: str, pages: set[str]) -> str | None:
    """Where a notebook's relative link should point on the site; None for a lecture this copy lacks."""
    if re.match(r"[a-zA-Z][a-zA-Z+.-]*:|#", target):
        return target  # external address or an anchor on the same page
    path, _, anchor = target.partition("#")
    resolved = (NOTEBOOKS_DIR / path).resolve()
    if resolved.suffix == ".ipynb" and resolved.parent == NOTEBOOKS_DIR:
        page = page_name(resolved.name)
        return (page + (f"#{anchor}" if anchor else "")) if page in pages else None
    return f"{REPO_URL}/blob/{BRANCH}/{resolved.relative_to(ROOT).as_posix()}" + (f"#{anchor}" if anchor else "")


def rewrite_links(markdown: str, pages: set[str]) -> str:
    """Point a Markdown cell's relative links at site pages or GitHub; unlink lectures that are not here."""
    def replace(match: re.Match) -> str:
        text, target = match.groups()
        new = site_link(target, pages)
        return text if new is None else f"[{text}]({new})"
    return MARKDOWN_LINK.sub(replace, markdown)


def png_description(png_base64: str) -> str | None:
    """The 'Description' text stored in a PNG (figures recorded with the course style carry one)."""
    return Image.open(io.BytesIO(base64.b64decode(png_base64))).text.get("Description")


def prepare(notebook: nbformat.NotebookNode, pages: set[str], student: bool = False) -> nbformat.NotebookNode:
    """A copy ready for the site: links rewritten, alt text on figures, widgets replaced by a note; for the
    student edition, without the cells tagged `solution` or `rubric`."""
    notebook = copy.deepcopy(notebook)
    if student:
        notebook.cells = [c for c in notebook.cells if not is_instructors(c)]
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source, pages)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                output.data = {"text/html": WIDGET_NOTE}
            elif "image/png" in data:
                output.metadata["course_alt"] = png_description(data["image/png"]) or "Figure (no description stored)"
    return notebook


def navigation(lectures: list[Lecture], index: int) -> str:
    """The bar at the top and bottom of a lecture page: index, previous and next lecture, Colab."""
    links = ['<a href="index.html">Course index</a>']
    if index > 0:
        links.append(f'<a href="{page_name(lectures[index - 1].filename)}">← Lecture {lectures[index - 1].number}</a>')
    if index + 1 < len(lectures):
        links.append(f'<a href="{page_name(lectures[index + 1].filename)}">Lecture {lectures[index + 1].number} →</a>')
    links.append(f'<a href="{colab_url(lectures[index].filename)}">Run it on Colab</a>')
    return f'<nav class="course-nav">{" ".join(links)}</nav>'


def index_page(lectures: list[Lecture]) -> str:
    """The site's front page: every lecture in course order with its summary."""
    items = "\n".join(
        f'<li><a href="{page_name(lecture.filename)}">Lecture {lecture.number} — {html.escape(lecture.title)}</a>'
        f"<br>{html.escape(lecture.summary)}</li>" for lecture in lectures)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>From text to vectors: how an LLM reads</title>
<style>
  body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #111; }}
  a {{ color: #0072B2; }}
  li {{ margin-bottom: 0.8em; }}
</style>
</head>
<body>
<main>
<h1>From text to vectors: how an LLM reads</h1>
<p><strong>raw text → tokens → token ids → token embeddings → + positions (+ segments) → input embeddings</strong></p>
<p>Each lecture below is a Jupyter notebook shown with its stored outputs. To change the code and use the
widgets, run the notebooks in JupyterLab or on Colab: see the <a href="{REPO_URL}">course repository</a>.</p>
<ol start="0">
{items}
</ol>
</main>
</body>
</html>
"""


def previous_build(out: Path) -> list[str] | None:
    """The page names a previous build listed in `out`'s marker file, or None if `out` holds no build."""
    marker = out / MARKER
    if not marker.is_file():
        return None
    lines = marker.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != MARKER_HEADER:
        return None
    return [name for name in lines[1:] if name and Path(name).name == name]


def check_output_folder(out: Path) -> Path:
    """`out`, resolved, if the site may be written there; else a SiteFolderError that says why (nothing changed)."""
    out = Path(out).expanduser().resolve()
    if out == ROOT or out in ROOT.parents:
        raise SiteFolderError(f"--out {out} is the course repository or a folder that holds it; building there would "
                              "replace your files. Use a new folder, e.g. --out site (the default).")
    protected = [ROOT / name for name in ("notebooks", "helpers", "data", "tests", "benchmarks", ".git", ".ci")]
    for folder in protected:
        if out == folder or folder in out.parents:
            raise SiteFolderError(f"--out {out} is inside the course's {folder.name}/ folder; the site must not be "
                                  "written among the course's own files. Use a new folder, e.g. --out site.")
    if not out.exists():
        return out
    if not out.is_dir():
        raise SiteFolderError(f"--out {out} is a file, not a folder. Give a folder name, e.g. --out site.")
    present = sorted(entry.name for entry in out.iterdir())
    if not present:
        return out
    listed = previous_build(out)
    if listed is None:
        shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise SiteFolderError(f"--out {out} already holds files that are not a site build ({shown}). The site builder "
                              "only replaces its own builds: use a new or empty folder, e.g. --out site.")
    others = sorted(set(present) - set(listed) - {MARKER})
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise SiteFolderError(f"--out {out} holds a previous build plus other files ({shown}); the site builder will "
                              "not delete them. Move them elsewhere, or use a new folder.")
    return out


def build_site(out: Path, student: bool = False) -> list[Path]:
    """Write the index and every present lecture's page into `out`; return the pages. `student` leaves out
    solutions and rubrics (the student edition, `python -m helpers.maintainer.editions`).

    `out` must be new, empty or a previous build (see `check_output_folder`); a previous build's pages are
    replaced, and nothing else is ever deleted.
    """
    out = check_output_folder(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SiteFolderError(f"cannot create --out {out} ({error.strerror or error}): a folder on the way is a file, "
                              "or it is not writable. Give a folder you can write to, e.g. --out site.") from None
    if not os.access(out, os.W_OK):
        raise SiteFolderError(f"--out {out} is read-only. Give a folder you can write to, e.g. --out site.")
    try:
        return _write_site(out, student)
    except OSError as error:
        raise SiteFolderError(f"cannot write into --out {out} ({error.strerror or error}; at {error.filename}): "
                              "give a folder you can write to, e.g. --out site.") from None


def _write_site(out: Path, student: bool) -> list[Path]:
    """build_site's writing part (a previous build's pages replaced); any OSError becomes a SiteFolderError there."""
    for name in previous_build(out) or []:
        (out / name).unlink(missing_ok=True)
    lectures = present_lectures()
    pages = {page_name(lecture.filename) for lecture in lectures}
    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(TEMPLATES)])
    written = [out / "index.html"]
    (out / MARKER).write_text("\n".join([MARKER_HEADER, "index.html", *sorted(pages)]) + "\n", encoding="utf-8")
    written[0].write_text(index_page(lectures), encoding="utf-8")
    for index, lecture in enumerate(lectures):
        notebook = prepare(nbformat.read(NOTEBOOKS_DIR / lecture.filename, as_version=4), pages, student)
        resources = {"metadata": {"name": f"Lecture {lecture.number} — {lecture.title}"},
                     "course_nav": navigation(lectures, index)}
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        written.append(out / page_name(lecture.filename))
        written[-1].write_text(body, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    args = parser.parse_args(argv)
    try:
        pages = build_site(args.out)
    except SiteFolderError as error:
        print(f"site: refused: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"wrote {len(pages)} pages to {args.out}; open {args.out / 'index.html'} in a browser.")


if __name__ == "__main__":
    main()
