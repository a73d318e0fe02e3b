"""Slides for a room, checked in a real browser with the network blocked: every deck starts, no slide's content
leaves its 1280x720 slide, text and figures are large enough to read from the back (the rule in
helpers/maintainer/slides.py), and the speaker notes hold each section's talking points.

Three screenshots per lecture (first slide, a figure slide, a code slide) go to tests/artifacts/slides/.
"""
from __future__ import annotations

import html
import re

import nbformat
import pytest
from playwright.sync_api import sync_playwright

from chromium import chromium_executable
from helpers.course import NOTEBOOKS_DIR, ROOT
from helpers.maintainer import notebook_parts, slides

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
ARTIFACTS = ROOT / "tests" / "artifacts" / "slides"
TOLERANCE_PX = 2

# In the page: every slide's elements measured in slide coordinates (reveal scales the whole deck).
MEASURE = """([width, height, tol]) => {
    const report = [];
    const slides = Reveal.getSlides().filter(s => !s.querySelector('section'));
    for (const slide of slides) {
        const {h, v} = Reveal.getIndices(slide);
        Reveal.slide(h, v);
        const scale = Reveal.getScale();
        const box = slide.getBoundingClientRect();
        const overflow = [];
        for (const el of slide.querySelectorAll(':scope > *:not(aside)')) {
            const r = el.getBoundingClientRect();
            const bottom = (r.bottom - box.top) / scale, right = (r.right - box.left) / scale;
            if (bottom > height + tol || right > width + tol || el.scrollWidth > el.clientWidth + tol)
                overflow.push(`${el.tagName.toLowerCase()}.${el.className}: bottom ${Math.round(bottom)}, `
                              + `right ${Math.round(right)}, scroll width ${el.scrollWidth}/${el.clientWidth}`);
        }
        const fonts = [];
        for (const el of slide.querySelectorAll('p, li, td, th, pre')) {
            if (el.closest('aside')) continue;
            fonts.push([el.tagName.toLowerCase(), parseFloat(getComputedStyle(el).fontSize)]);
        }
        const figures = [...slide.querySelectorAll('img.figure')].map(img => img.dataset.smallestTextPx
            ? img.getBoundingClientRect().width / scale / Number(img.dataset.naturalWidth)
              * Number(img.dataset.smallestTextPx) : 0);
        report.push({h, v, title: (slide.querySelector('h1, h2') || {}).textContent || '',
                     overflow, fonts, figures, notes: slide.querySelectorAll('aside.notes li').length,
                     hasFigure: figures.length > 0, hasCode: !!slide.querySelector('pre.code')});
    }
    return report;
}"""



@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    out = tmp_path_factory.mktemp("decks")
    assert slides.main([*map(str, NOTEBOOKS), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable(), headless=True,
                                              args=["--no-sandbox", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_deck_starts_offline_and_every_slide_fits(path, decks, browser):
    page = browser.new_page(viewport={"width": slides.SLIDE_WIDTH, "height": slides.SLIDE_HEIGHT})
    requests = []

    def block_network(route):
        requests.append(route.request.url)
        route.abort()

    page.route("http*://**/*", block_network)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((decks / f"{path.stem}.slides.html").as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    report = page.evaluate(MEASURE, [slides.SLIDE_WIDTH, slides.SLIDE_HEIGHT, TOLERANCE_PX])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figures, code = [s for s in report if s["hasFigure"]], [s for s in report if s["hasCode"]]
    chosen = {"first": report[0], "figure": figures[len(figures) // 2] if figures else report[-1],
              "code": code[len(code) // 2] if code else report[-1]}
    for name, slide in chosen.items():
        page.evaluate("([h, v]) => Reveal.slide(h, v)", [slide["h"], slide["v"]])
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}-{name}.png"))
    page.close()

    assert not requests, f"the deck tried the network: {requests[:3]}"
    assert not errors, f"the deck raised in the browser: {errors[:3]}"
    overflowing = [f"slide {s['h']}.{s['v']} ({s['title'][:40]}): {s['overflow'][0]}" for s in report if s["overflow"]]
    assert not overflowing, "content leaves its slide:\n" + "\n".join(overflowing)
    minimum = {"p": slides.PROSE_PX, "li": slides.PROSE_PX, "td": 20, "th": 20, "pre": slides.OUTPUT_PX}
    small = [f"slide {s['h']}.{s['v']}: {tag} at {px}px" for s in report for tag, px in s["fonts"]
             if px < minimum[tag]]
    assert not small, "text too small for the back of a room:\n" + "\n".join(small[:10])
    tiny = [f"slide {s['h']}.{s['v']} ({s['title'][:40]}): smallest figure text "
            + (f"{px:.1f}px" if px else "unknown (re-record the notebook)") for s in report for px in s["figures"]
            if px < slides.FIGURE_TEXT_PX]
    assert not tiny, f"figure text under {slides.FIGURE_TEXT_PX} px on the slide:\n" + "\n".join(tiny)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_deck_holds_the_core_path_and_homework_with_talking_points_as_notes(path):
    notebook = nbformat.read(path, as_version=4)
    deck = slides.render_deck(notebook, path.stem)
    deeper = [c.source.splitlines()[0] for c in notebook.cells if notebook_parts.GOING_DEEPER_HEADING.search(c.source)]
    assert all(html.escape(heading.lstrip("# ")) + "</h2>" not in deck for heading in deeper)
    assert "<details>" not in deck
    setup = next(c.source for c in notebook.cells if "setup" in c.metadata.get("tags", []))
    assert html.escape(max(setup.splitlines(), key=len)) not in deck, "the setup cell is hidden"
    for cell in notebook.cells:
        if {"solution", "rubric"} & set(cell.metadata.get("tags", [])):
            assert cell.source.strip()[:60] not in deck
    headings = [c for c in slides.deck_cells(notebook) if c.cell_type == "markdown" and c.source.startswith("## ")]
    for cell in headings:
        points = cell.metadata.get("lecturer", {}).get("talking_points", [])
        if re.match(r"## \d", cell.source):      # every numbered section carries the lecturer's talking points
            assert points, f"{cell.source.splitlines()[0]!r} has no talking points (metadata lecturer)"
        for point in points:
            assert f"<li>{html.escape(point)}</li>" in deck
