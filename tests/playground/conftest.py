"""What the playground's browser tests share: headless Debian chromium driven by Playwright, the server started as a
user starts it (helpers.Playground), and the page's console errors, which fail the test that made them.

Without chromium or the playwright package the browser tests skip, saying why; under CI (the CI variable set) they
fail instead."""
import importlib.util
import os

import pytest
from helpers import Playground

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return 'the playwright package is not installed (pip install -e ".[test]")'
    if not os.path.exists(CHROMIUM):
        return f"chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def url():
    server = Playground()
    yield server.url
    server.stop()


@pytest.fixture
def errors():
    """The page's console errors and uncaught exceptions: any left at the end fails the test."""
    return []
