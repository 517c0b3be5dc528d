"""WordPress's own block editor, in a headless Chromium, as a validator of block markup.

``BlockEditor`` logs in to wp-admin of the test WordPress, opens ``post-new.php`` (the
block editor) and, for each markup string, runs ``wp.blocks.parse(markup)`` in the page:
the very parser and validator the editor uses when a post is opened.  Each block (inner
blocks too) is checked: ``isValid === false`` (the editor would show "This block contains
unexpected or invalid content"), ``core/freeform`` (a Classic block: markup outside any
block), ``core/missing`` (a block type the editor does not know) and "outdated": valid
only as a deprecated version of the block, which the editor migrates silently and saves
differently (``wp.blocks.validateBlock`` of the parsed block against today's ``save()``).  A ``Problem`` carries
the block's name, the editor's validation messages and the original HTML, so a failure
says what is wrong.

Set-up: Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``), installed with apt-get when missing and running as root — as
scripts/wordpress installs WordPress — and the ``selenium`` package (the ``dev`` extra).
When they cannot be had, ``require_chromium`` skips the module with the reason, except in
CI (``CI=true``), where it fails: the editor check must run there.

Fixture: ``block_editor`` (module scope) — one browser, one login per test module.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.wordpress import WordPressInstance

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PACKAGES = ("chromium", "chromium-driver")
# Without the background-networking flags Chromium phones home at start and the closed
# network of a test machine refuses it (slow start, noise in the log).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)
START_TIMEOUT = 60.0  # chromedriver + chromium up
PAGE_TIMEOUT = 90.0  # one wp-admin page, scripts included (a cold PHP server is slow)
EDITOR_TIMEOUT = 90.0  # post-new.php until wp.blocks knows the core blocks


class EditorUnavailable(RuntimeError):
    """Chromium, chromedriver or selenium missing, or the block editor did not come up."""


@dataclass(frozen=True)
class Problem:
    """One block the editor does not accept as it is."""

    kind: str  # "invalid", "freeform" (Classic), "missing" (unknown type) or "outdated"
    name: str  # the block's name, e.g. "core/table"
    issues: tuple[str, ...]  # the editor's validation messages
    html: str  # the block's original HTML

    def __str__(self) -> str:
        lines = [f"{self.kind} {self.name}"]
        lines += [f"    {issue}" for issue in self.issues]
        lines.append("    html: " + self.html.strip().replace("\n", "\n          "))
        return "\n".join(lines)


@dataclass(frozen=True)
class Verdict:
    """What the editor made of one markup string."""

    blocks: int  # every block, inner blocks included
    problems: tuple[Problem, ...]

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    def summary(self) -> str:
        return (
            f"{self.blocks} blocks: {self.count('invalid')} invalid, "
            f"{self.count('freeform')} Classic, {self.count('missing')} missing, "
            f"{self.count('outdated')} outdated"
        )


# ---------------------------------------------------------------------------- set-up


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing_packages() -> list[str]:
    return [
        p for p, path in zip(PACKAGES, (CHROMIUM, CHROMEDRIVER), strict=True) if not path.exists()
    ]


def install_chromium() -> None:
    """apt-get install Debian's chromium and chromium-driver when missing (root only)."""
    missing = _missing_packages()
    if not missing:
        return
    if shutil.which("apt-get") is None:
        raise EditorUnavailable(f"missing {' '.join(missing)} and no apt-get to install them")
    if os.geteuid() != 0:
        raise EditorUnavailable(
            f"missing Debian packages {' '.join(missing)} (run as root, or: "
            f"sudo apt-get install --no-install-recommends {' '.join(PACKAGES)})"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        "-o",
        "DPkg::Lock::Timeout=300",
        *PACKAGES,
    ]
    done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:  # a stale package list: update once and try again
        subprocess.run(
            ["apt-get", "update", "-o", "DPkg::Lock::Timeout=300"],
            env=env,
            capture_output=True,
            timeout=600,
        )
        done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0 or _missing_packages():
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise EditorUnavailable(f"apt-get could not install {' '.join(PACKAGES)}: {tail}")


def require_chromium() -> None:
    """Chromium, chromedriver and selenium are here (installed if need be); else skip —
    or, in CI, fail."""
    try:
        install_chromium()
        try:
            import selenium  # noqa: F401
        except ImportError:
            raise EditorUnavailable(
                "the selenium package is missing (pip install -e '.[dev]')"
            ) from None
    except EditorUnavailable as exc:
        if _in_ci():
            pytest.fail(f"the block-editor check cannot run in CI: {exc}", pytrace=False)
        pytest.skip(f"block-editor check not run: {exc}")


# ---------------------------------------------------------------------------- the editor

# Runs in post-new.php: parse every markup string, walk the blocks, report.
_CHECK_JS = r"""
const inputs = arguments[0];
function show(value) {
    if (typeof value === 'string') { return value; }
    if (value && value.name && value.attributes) { return value.name; }  // a block type
    const text = JSON.stringify(value);
    return text && text.length > 300 ? text.slice(0, 300) + '…' : String(text);
}
function message(issue) {
    const args = (issue && issue.args) || [];
    if (!args.length) { return String(issue); }
    let rest = args.slice(1);
    let text = String(args[0]).replace(/%[sdoO]/g, () => show(rest.shift()));
    for (const value of rest) { text += ' ' + show(value); }
    return text;
}
function walk(blocks, out) {
    for (const block of blocks) {
        out.blocks += 1;
        const kinds = [];
        if (block.isValid === false) { kinds.push('invalid'); }
        if (block.name === 'core/freeform') { kinds.push('freeform'); }
        if (block.name === 'core/missing') { kinds.push('missing'); }
        let issues = block.validationIssues || [];
        if (!kinds.length) {
            // Valid, but maybe only as a deprecated version of the block, migrated on
            // parse: the current save() must give back the very markup.
            const [current, currentIssues] = wp.blocks.validateBlock(block);
            if (!current) { kinds.push('outdated'); issues = currentIssues || []; }
        }
        for (const kind of kinds) {
            out.problems.push({
                kind: kind,
                name: block.name === 'core/missing'
                    ? 'core/missing (' + (block.attributes.originalName || '?') + ')'
                    : block.name,
                issues: issues.map(message),
                html: block.originalContent
                    || (block.attributes && block.attributes.originalContent)
                    || (block.attributes && block.attributes.content) || '',
            });
        }
        walk(block.innerBlocks || [], out);
    }
}
return inputs.map((markup) => {
    const out = {blocks: 0, problems: []};
    try {
        walk(wp.blocks.parse(markup), out);
    } catch (error) {
        out.problems.push({kind: 'invalid', name: '(parse error)',
                           issues: [String(error)], html: markup});
    }
    return out;
});
"""

_READY_JS = """
return !!(window.wp && wp.blocks && wp.data && wp.blocks.parse
          && wp.blocks.getBlockType('core/paragraph')
          && wp.blocks.getBlockType('core/embed'));
"""


class BlockEditor:
    """A logged-in block editor page; ``check(markups)`` validates markup in it."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    @classmethod
    def open(cls, wordpress: WordPressInstance, profile: Path) -> BlockEditor:
        """Start Chromium, log in as the admin and open post-new.php; EditorUnavailable
        with the reason when any step fails or takes too long."""
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile / 'chromium'}")
        log = profile / "chromedriver.log"
        service = Service(str(CHROMEDRIVER), log_output=str(log))
        try:
            driver = webdriver.Chrome(options=options, service=service)
        except WebDriverException as exc:
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EditorUnavailable(f"chromium did not start: {exc.msg}\n{detail}") from None
        editor = cls(driver)
        try:
            driver.set_page_load_timeout(PAGE_TIMEOUT)
            driver.set_script_timeout(EDITOR_TIMEOUT)
            editor._log_in(wordpress)
            editor._open_editor(wordpress)
        except BaseException:
            editor.close()
            raise
        return editor

    def _log_in(self, wordpress: WordPressInstance) -> None:
        from selenium.webdriver.common.by import By

        driver = self._driver
        driver.get(f"{wordpress.url}/wp-login.php")
        driver.find_element(By.ID, "user_login").send_keys(wordpress.admin_user)
        driver.find_element(By.ID, "user_pass").send_keys(wordpress.admin_password)
        driver.find_element(By.ID, "wp-submit").click()
        deadline = time.monotonic() + PAGE_TIMEOUT
        while "wp-login.php" in driver.current_url:
            if time.monotonic() > deadline:
                errors = driver.find_elements(By.ID, "login_error")
                reason = errors[0].text if errors else "no answer"
                raise EditorUnavailable(f"cannot log in to {wordpress.url}: {reason}")
            time.sleep(0.2)

    def _open_editor(self, wordpress: WordPressInstance) -> None:
        driver = self._driver
        driver.get(f"{wordpress.url}/wp-admin/post-new.php")
        deadline = time.monotonic() + EDITOR_TIMEOUT
        while not driver.execute_script(_READY_JS):
            if time.monotonic() > deadline:
                classic = driver.execute_script("return !!document.getElementById('postdivrich')")
                why = (
                    "the Classic editor opened instead (a plugin disables the block editor?)"
                    if classic
                    else "wp.blocks never knew the core blocks"
                )
                raise EditorUnavailable(f"post-new.php at {wordpress.url}: {why}")
            time.sleep(0.2)

    def check(self, markups: Sequence[str]) -> list[Verdict]:
        """The editor's verdict on each markup string, in one round trip."""
        found = self._driver.execute_script(_CHECK_JS, list(markups))
        return [
            Verdict(
                blocks=item["blocks"],
                problems=tuple(
                    Problem(p["kind"], p["name"], tuple(p["issues"]), p["html"])
                    for p in item["problems"]
                ),
            )
            for item in found
        ]

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already gone: nothing to stop
            self._driver.quit()


@pytest.fixture(scope="module")
def block_editor(wordpress: WordPressInstance) -> Iterator[BlockEditor]:
    """A logged-in block editor of the session's WordPress, for the whole test module."""
    require_chromium()
    with tempfile.TemporaryDirectory(prefix="wpsync-editor-") as profile:
        editor = BlockEditor.open(wordpress, Path(profile))
        try:
            yield editor
        finally:
            editor.close()
