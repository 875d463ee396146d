"""Real-browser tests: Playwright driving the system's Chromium against a live server.

Playwright's own browser download is not used: the tests launch the Chromium of the operating
system (Debian's `chromium` package, /usr/bin/chromium, or CHROMIUM_PATH) and are skipped with
the reason when it is not there. Screenshots of each main screen go to artifacts/screenshots/.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            if not shutil.which(CHROMIUM):
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium is not installed at {CHROMIUM} "
                        "(apt-get install chromium, or set CHROMIUM_PATH)"
                    )
                )


# Module scope: Playwright's event loop and the variable below end with the browser tests, so
# no other test (nor a subprocess it starts) runs with them.
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    # While Playwright's sync API runs, an event loop is set on the test's thread, and Django
    # refuses ORM calls there (the tests' own and the database fixtures') as if they came from
    # async code. They do not: the test code is synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def _logins_are_not_guessing(settings):
    # The logins of a run must not be taken for password guessing from 127.0.0.1.
    settings.ADMIN_LOGIN_RATE = "1000/m"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone's screen: 390 px wide, touch."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"


def doc_screenshot(page, name: str) -> None:
    """A screenshot for docs/staff.md, taken only when DOC_SCREENSHOTS=1 (the images are
    committed; a test run does not rewrite them): the visible screen, not the full page."""
    if os.environ.get("DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_IMAGES / f"{name}.png"))
