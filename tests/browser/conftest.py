"""Real-browser tests: Debian's Chromium driven by selenium (chromedriver) against `rrall-tx serve` on a free
loopback port.

Skipped, with the reason, when Chromium, chromedriver or selenium is missing, so the normal suite passes on a
plain machine; `.ci/run` installs them (apt-get chromium chromium-driver, pip selenium) and runs this folder.
Environment: RRALL_BROWSER_REQUIRED=1 makes a missing browser a failure (CI); RRALL_BROWSER_PORTS="18800-18899"
picks the port from a range (default: any free port);
RRALL_SCREENSHOT_DIR=docs/screenshots keeps the screenshots there (default: a temporary folder);
CHROMIUM / CHROMEDRIVER point at other binaries.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# the flags Chromium needs here: no sandbox as root, no GPU, and no background connections (the network is closed)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US")
START_TIMEOUT_S = 90


def _binary(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env] if Path(os.environ[env]).is_file() else None
    return next((found for name in names if (found := shutil.which(name))), None)


def _free_port() -> int:
    wanted = os.environ.get("RRALL_BROWSER_PORTS", "")
    candidates = range(int(wanted.split("-")[0]), int(wanted.split("-")[-1]) + 1) if wanted else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    pytest.fail(f"no free port in RRALL_BROWSER_PORTS={wanted}")


def _serve_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("rrall-tx")
    head = [str(script)] if script.is_file() else [sys.executable, "-m", "service"]
    return head + ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The base URL of a real server (granian, one worker, the built-in content and the core package)."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(_serve_command(port), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, base, log_path)
        yield base
    finally:
        _stop(proc)


def _wait_healthy(proc, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited ({proc.returncode}): {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the server did not answer /healthz in {START_TIMEOUT_S} s")


def _stop(proc) -> None:
    """Stop the server this fixture started (its own process group: granian's workers with it)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _missing(reason: str):
    """Skip (a plain machine), or fail where the browser is required (CI sets RRALL_BROWSER_REQUIRED)."""
    if os.environ.get("RRALL_BROWSER_REQUIRED"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    chromium = _binary("CHROMIUM", "chromium", "chromium-browser")
    driver_path = _binary("CHROMEDRIVER", "chromedriver")
    if chromium is None or driver_path is None:
        _missing("Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
    except ImportError:
        _missing("selenium is not installed (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    where = os.environ.get("RRALL_SCREENSHOT_DIR")
    if where:
        path = Path(where) if Path(where).is_absolute() else REPO / where
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


class UI:
    """The browser on the server: open a page, wait for something, check the console, take a screenshot."""

    def __init__(self, driver, base: str, shots: Path):
        self.driver, self.base, self.shots = driver, base, shots

    def open(self, path: str):
        self.driver.get(self.base + path)
        self.check_console()
        return self.driver

    def wait(self, condition, timeout: float = 15):
        """Until condition(driver) is true; an element replaced meanwhile (stale) means "not yet"."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda d: condition(d))

    def check_console(self) -> None:
        """No error in the page's console (script errors, failed loads such as a 404 favicon)."""
        errors = [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        assert errors == [], errors

    def only_this_server(self) -> list[str]:
        """Everything the page loaded came from this server (works offline: no CDN)."""
        urls = self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
        return [u for u in urls if not u.startswith(self.base)]

    def shot(self, name: str) -> Path:
        """A PNG of the page as it is (1280 px wide, at most 1800 px high)."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight;")
        self.driver.set_window_size(1280, max(700, min(int(height) + 200, 1800)))
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1280, 1000)
        return path


@pytest.fixture(scope="session")
def ui(browser, server, screenshots) -> UI:
    return UI(browser, server, screenshots)
