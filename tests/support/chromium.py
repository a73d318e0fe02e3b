"""The browser the browser tests drive: Debian's chromium (installed by .ci/run), or COURSE_CHROMIUM."""
import os
import shutil
from pathlib import Path

import pytest


def chromium_executable() -> str:
    """The Chromium to launch; the test is skipped without one (and fails in CI, where CI is set)."""
    path = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = ("No Chromium found: install Debian's `chromium` package (apt-get install chromium), or set "
                   "COURSE_CHROMIUM to a Chromium/Chrome executable.")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
