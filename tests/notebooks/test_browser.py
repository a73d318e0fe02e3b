"""The course as a learner meets it: JupyterLab in a real (headless) Chromium runs every lecture.

For each notebook in notebooks/: open it in JupyterLab, Run All, and check that no cell raised an error,
that every widget the notebook displays renders as live controls (not a text fallback), and that moving
one control of each widget changes the picture it shows. Screenshots (light and dark theme, and each
widget after its move) go to tests/artifacts/ (git-ignored).

JupyterLab runs from this repository on 127.0.0.1, on a free port, with a random token, and is stopped
by the test. The browser is Debian's `chromium` (`/usr/bin/chromium`, installed by .ci/run), driven by
Playwright for Python; set COURSE_CHROMIUM to use another Chromium or Chrome executable.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from chromium import chromium_executable
from helpers.course import NOTEBOOKS_DIR, ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FALLBACK_TEXT = ("Error displaying widget", "could not display", "Loading widget", "VBox(", "HBox(",
                 "Failed to load model class")
RUN_TIMEOUT_MS = 120_000
SETTINGS = {  # JupyterLab user settings: no dialogs, no news, no autosave, every cell in the page
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

# In the page: the open notebook's panel, its cells' outputs, and a fingerprint of what a widget shows.
PANEL_READY = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
                   && panel.sessionContext.session.kernel;
    return Boolean(panel && panel.context && panel.context.isReady && kernel && kernel.status === 'idle');
}"""
START_RUN_ALL = """() => {
    window.courseRun = null;
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        ok => { window.courseRun = {ok: ok}; }, error => { window.courseRun = {error: String(error)}; });
}"""
RUN_FINISHED = """() => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    return window.courseRun !== null && kernel.status === 'idle';
}"""
OUTPUT_SUMMARY = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.widgets;
    const summary = {errors: [], widgets: [], unexecuted: 0};
    cells.forEach((cell, index) => {
        if (cell.model.type !== 'code') return;
        if (cell.model.sharedModel.getSource().trim() && cell.model.executionCount === null) summary.unexecuted++;
        cell.model.outputs.toJSON().forEach(output => {
            if (output.output_type === 'error') summary.errors.push(`cell ${index}: ${output.ename}: ${output.evalue}`);
        });
        const areas = cell.node.querySelectorAll('.jp-OutputArea-output');
        cell.model.outputs.toJSON().forEach((output, k) => {
            if (output.data && output.data['__WIDGET_VIEW__']) {
                const node = areas[k];
                const id = `${index}-${k}`;
                if (node) node.setAttribute('data-course-widget', id);
                summary.widgets.push(id);
            }
        });
    });
    return summary;
}""".replace("__WIDGET_VIEW__", WIDGET_VIEW)
FINGERPRINT = """async (node) => {
    const hash = bytes => bytes.reduce((h, b) => Math.imul(h ^ b, 16777619) >>> 0, 2166136261);
    const images = [];
    for (const img of node.querySelectorAll('img')) {
        const response = await fetch(img.src);
        images.push(hash(new Uint8Array(await response.arrayBuffer())));
    }
    const texts = [...node.querySelectorAll('.widget-html-content, .widget-output')].map(e => e.innerText);
    return JSON.stringify({images, texts});
}"""
# The first control found is the one moved; each entry: CSS selector -> how to move it.
CONTROLS = (".noUi-handle", "select", "input[type=checkbox]", ".widget-toggle-button:not(.mod-active)",
            "textarea", "input[type=text]", "input[type=number]")
PROGRESS_BAR = ".widget-hprogress, .widget-vprogress"



def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_settings(folder: Path) -> None:
    for plugin, values in SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def jupyter_lab(tmp_path_factory):
    """A JupyterLab server for this repository on 127.0.0.1; yields (base URL, token); stopped afterwards."""
    home = tmp_path_factory.mktemp("jupyterlab")
    write_settings(home / "settings")
    token, port = secrets.token_hex(16), free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
         "--LabApp.expose_app_in_browser=True", "--allow-root"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(home / 'server.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield base, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable(), headless=True)
        yield chromium
        chromium.close()


def stored_widget_count(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return sum(WIDGET_VIEW in output.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
               for output in cell.outputs)


def move_first_control(widget) -> str | None:
    """Move the widget's first control as a person would (keyboard, select, click, typing); say which."""
    for selector in CONTROLS:
        control = widget.locator(selector).first
        if control.count() == 0:
            continue
        if selector == ".noUi-handle":
            control.focus()
            control.press("ArrowRight")
        elif selector == "select":
            options = control.locator("option").all_inner_texts()
            current = control.evaluate("s => s.selectedIndex")
            control.select_option(index=(current + 1) % len(options))
        elif selector in ("textarea", "input[type=text]"):
            control.fill(control.input_value() + " and more")
            control.press("Enter")
        elif selector == "input[type=number]":
            control.press("ArrowUp")
            control.press("Enter")
        else:
            control.click()
        return selector
    return None


def set_theme(page, theme: str) -> None:
    page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
    page.wait_for_function("t => document.body.dataset.jpThemeName === t", arg=theme, timeout=20_000)
    page.wait_for_timeout(500)


DECODE_IMAGES = """async n => {
  for (let attempt = 0; attempt < 40; attempt++) {
    try { await Promise.all([...n.querySelectorAll('img')].map(img => img.decode())); return true; }
    catch (error) { await new Promise(resolve => setTimeout(resolve, 250)); }
  }
  return false;
}"""


def check_widget(page, widget_id: str) -> bool:
    """A displayed widget renders as live controls and its picture changes when one control moves.

    Returns False for a progress bar (`helpers.progress`), which has no control to move."""
    widget = page.locator(f'[data-course-widget="{widget_id}"]')
    try:
        widget.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=20_000)
        page.wait_for_function("n => !n.innerText.includes('Loading widget')", arg=widget.element_handle(),
                               timeout=20_000)
    except PlaywrightTimeout:
        pytest.fail(f"widget {widget_id} did not render as live controls; it shows {widget.inner_text()!r}")
    text = widget.inner_text()
    assert not [bad for bad in FALLBACK_TEXT if bad in text], f"widget {widget_id} shows a fallback: {text!r}"
    widget.scroll_into_view_if_needed()
    before = widget.evaluate(FINGERPRINT)
    if move_first_control(widget) is None:
        assert widget.locator(PROGRESS_BAR).count(), f"widget {widget_id} has no control this test can move"
        return False
    try:
        page.wait_for_function(f"async n => ({FINGERPRINT})(n).then(f => f !== {json.dumps(before)})",
                               arg=widget.element_handle(), timeout=20_000, polling=250)
    except PlaywrightTimeout:
        pytest.fail(f"moving a control of widget {widget_id} did not change what it shows")
    # The widget may redraw once more and swap an image while it decodes (decode() then rejects): retry until
    # every image decodes; one that never does is a broken picture.
    assert widget.evaluate(DECODE_IMAGES), f"widget {widget_id} shows an image that cannot be decoded"
    return True


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_lecture_runs_in_jupyterlab_with_live_widgets(path, jupyter_lab, browser):
    base, token = jupyter_lab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original = path.read_bytes()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base}/lab/tree/notebooks/{path.name}?reset&token={token}")
        page.wait_for_function(PANEL_READY, timeout=60_000)
        page.wait_for_timeout(1000)  # let the fresh kernel settle: it must stay idle before Run All
        page.wait_for_function(PANEL_READY, timeout=30_000)
        page.evaluate(START_RUN_ALL)
        page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT_MS, polling=500)
        summary = page.evaluate(OUTPUT_SUMMARY)
        assert not summary["errors"], f"{path.name}: error outputs in the browser: {summary['errors']}"
        assert summary["unexecuted"] == 0, f"{path.name}: {summary['unexecuted']} cells did not run"
        assert len(summary["widgets"]) == stored_widget_count(path), "widgets shown differ from the stored ones"
        moved = [widget_id for widget_id in summary["widgets"] if check_widget(page, widget_id)]
        for widget_id in moved:
            page.locator(f'[data-course-widget="{widget_id}"]').screenshot(
                path=ARTIFACTS / f"{path.stem}-widget-{widget_id}.png")
        if moved:
            page.locator(f'[data-course-widget="{moved[0]}"]').scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / f"{path.stem}.png")
        set_theme(page, "JupyterLab Dark")
        page.screenshot(path=ARTIFACTS / f"{path.stem}-dark.png")
        set_theme(page, "JupyterLab Light")
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
    finally:
        page.close()
    assert path.read_bytes() == original, "the browser session changed the notebook file"
