"""The static course site: one command builds it, every lecture is there in order, every link resolves."""
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from helpers.course import LECTURES, NOTEBOOKS_DIR
from helpers.maintainer import site as builder
from helpers.maintainer.site import MARKER, SiteFolderError, check_output_folder, main, page_name, rewrite_links

PRESENT = [lecture for lecture in LECTURES if (NOTEBOOKS_DIR / lecture.filename).exists()]


class Page(HTMLParser):
    """The parts of a page the tests look at: links, images, scripts, stylesheets, element ids."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.links, self.images, self.scripts, self.stylesheets, self.ids = [], [], [], [], set()
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs.get("href"))


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """The site as the README's command builds it (`python -m helpers.maintainer.site`, into a temporary folder)."""
    out = tmp_path_factory.mktemp("build") / "site"
    main(["--out", str(out)])
    return out, {path.name: Page(path) for path in sorted(out.glob("*.html"))}


@pytest.fixture
def site(built_site):
    """The built site (slow: it renders every lecture once per test session)."""
    return built_site


@pytest.mark.slow
def test_index_lists_every_lecture_in_course_order(site):
    out, pages = site
    lecture_links = [link for link in pages["index.html"].links if not urlparse(link).scheme]
    assert lecture_links == [page_name(lecture.filename) for lecture in PRESENT]
    assert set(pages) == {"index.html", *lecture_links}
    assert (out / MARKER).read_text().splitlines()[1:] == ["index.html", *sorted(lecture_links)]
    assert all((out / name).stat().st_size > 10_000 for name in lecture_links)


@pytest.mark.slow
def test_every_local_link_and_anchor_resolves(site):
    out, pages = site
    for name, page in pages.items():
        for link in page.links:
            parsed = urlparse(link)
            if parsed.scheme:
                assert parsed.scheme == "https", f"{name}: {link}"
                continue
            target = parsed.path or name
            assert target in pages, f"{name} links to {link}, which the site lacks"
            if parsed.fragment:
                assert unquote(parsed.fragment) in {unquote(i) for i in pages[target].ids}, f"{name}: {link}"


@pytest.mark.slow
def test_pages_read_offline_with_alt_text_on_every_image(site):
    _, pages = site
    for name, page in pages.items():
        assert not page.stylesheets, f"{name} needs a stylesheet from elsewhere"
        assert all("mathjax" in src for src in page.scripts), f"{name} loads scripts other than MathJax"
        for image in page.images:
            assert image.get("alt"), f"{name}: an image without alt text"
            assert image["src"].startswith("data:") or "colab-badge" in image["src"], f"{name}: remote image"


@pytest.mark.slow
def test_figures_alt_text_comes_from_their_titles(site):
    _, pages = site
    alts = [image["alt"] for image in pages["00_setup.html"].images if image["src"].startswith("data:")]
    assert "Figure: Where we are: raw text" in alts
    assert all(alt.startswith("Figure: ") for alt in alts), "re-record with `python -m helpers.maintainer.record`"


@pytest.mark.slow
def test_solutions_are_collapsed_and_widgets_replaced_by_a_note(site):
    out, _ = site
    text = (out / "00_setup.html").read_text(encoding="utf-8")
    assert text.count('<details><summary><b>Solution') == 4
    assert '<div class="highlight"><pre><span></span><span class="n">answer' in text
    assert "course-widget-note" in text and "widget-state+json" not in text


def test_links_to_missing_lectures_are_unlinked_and_repository_files_point_to_github():
    pages = {"01_tokenization.html"}
    text = "See [Lecture 1](01_tokenization.ipynb#Recap), [Lecture 9](09_future.ipynb) and [data](../data/README.md)."
    assert rewrite_links(text, pages) == (
        "See [Lecture 1](01_tokenization.html#Recap), Lecture 9 and "
        "[data](https://github.com/text-to-vectors/text-to-vectors/blob/main/data/README.md).")
    badge = "[![Open In Colab](https://x/badge.svg)](https://colab.example/nb.ipynb)"
    assert rewrite_links(badge, pages) == badge


def test_the_readme_site_command_is_this_module(readme_block):
    assert readme_block("site-command") == ["python -m helpers.maintainer.site"]


@pytest.fixture
def fake_repo(tmp_path, monkeypatch):
    """A stand-in course repository (the real one is never used as a target): its notebooks/ holds work."""
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "notebooks" / "00_setup.ipynb").write_text("{}")
    monkeypatch.setattr(builder, "ROOT", repo)
    return repo


@pytest.mark.parametrize("out, words", [
    (".", "course repository or a folder that holds it"),
    ("..", "course repository or a folder that holds it"),
    ("notebooks", "inside the course's notebooks/ folder"),
    ("notebooks/site", "inside the course's notebooks/ folder"),
    ("data", "inside the course's data/ folder"),
    ("notebooks/00_setup.ipynb", "notebooks/ folder"),
])
def test_work_folders_are_refused(fake_repo, out, words):
    with pytest.raises(SiteFolderError, match=words):
        check_output_folder(fake_repo / out)


def test_only_new_empty_or_own_folders_are_accepted(tmp_path):
    assert check_output_folder(tmp_path / "new") == (tmp_path / "new").resolve()
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty")
    (tmp_path / "file.html").write_text("x")
    with pytest.raises(SiteFolderError, match="is a file"):
        check_output_folder(tmp_path / "file.html")
    with pytest.raises(SiteFolderError, match="not a site build"):
        check_output_folder(tmp_path)
    own = tmp_path / "own"
    own.mkdir()
    (own / MARKER).write_text(f"{builder.MARKER_HEADER}\nindex.html\n")
    (own / "index.html").write_text("old")
    check_output_folder(own)
    (own / "mine.txt").write_text("notes")
    with pytest.raises(SiteFolderError, match="mine.txt"):
        check_output_folder(own)
    (own / MARKER).write_text("a marker someone wrote by hand\nmine.txt\n")
    with pytest.raises(SiteFolderError, match="not a site build"):
        check_output_folder(own)


def test_the_command_refuses_with_a_message_and_exit_code(fake_repo, capsys):
    before = sorted(p.relative_to(fake_repo) for p in fake_repo.rglob("*"))
    for out in (fake_repo, fake_repo / "notebooks"):
        with pytest.raises(SystemExit) as exit_info:
            main(["--out", str(out)])
        assert exit_info.value.code == 2 and "site: refused:" in capsys.readouterr().err
    assert sorted(p.relative_to(fake_repo) for p in fake_repo.rglob("*")) == before
