"""Browser journeys: the test app served on loopback, driven by a real Chromium (Playwright).

The browser is started once per run; each test gets a fresh context (no cookies) and its own
server bound to the test's `app`, so the database and e-mails are those the test's fixtures see.
"""


import pytest

from tests.conftest import chromium_path, serve

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app) -> str:
    """The test app served on an ephemeral loopback port; returns its base URL.

    BASE_URL is pointed at the server, so that e-mailed links lead back to it.
    """
    with serve(app) as url:
        app.config["BASE_URL"] = url
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not found: install it or set ISC_CHROMIUM to its executable")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab (new context: no cookies) pointed at the live server."""
    context = chromium.new_context(
        base_url=live_server, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(5_000)
    tab = context.new_page()
    yield tab
    context.close()
