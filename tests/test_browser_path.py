"""The end-to-end tests find their browser the way bin/system-deps does, and fail (never skip)
with a plain message when there is none."""

import subprocess
import sys

from tests.conftest import MISSING_BROWSER, browser_path


def test_chromium_path_wins_when_it_is_an_executable(monkeypatch, tmp_path):
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("CHROMIUM_PATH", str(browser))
    assert browser_path() == str(browser)


def test_a_chromium_path_that_is_not_executable_finds_no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "missing"))
    assert browser_path() is None


def test_a_browser_test_fails_with_the_install_hint_when_there_is_no_browser(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e/test_projects_browser.py", "-q", "-x"],
        env={"PATH": "/usr/bin:/bin", "CHROMIUM_PATH": str(tmp_path / "none")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "skipped" not in result.stdout
    assert MISSING_BROWSER in result.stdout
