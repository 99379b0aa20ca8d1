"""What the test suite needs from the machine, checked by `make test` before pytest starts.

    python -m tests.prerequisites           # check, install what is missing where it can
    python -m tests.prerequisites --check   # only check and say what is missing

Needed (without it tests fail, so nothing runs until it is there):

- Chromium, for the browser tests (tests/browser, the e2e tier): Debian's ``chromium`` at
  /usr/bin/chromium (``RODEDRADEN_CHROMIUM`` names another path), else Playwright's own build
  (``playwright install chromium``; tests/browser/conftest.py launches whichever is there);
- WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig), for the memo's PDF;
- at least one font fontconfig finds (without one WeasyPrint crashes the test process).

Wanted (without it the tests that need it are skipped with their reason; when
``RODEDRADEN_FORBID_SKIPS=1``, as in CI, a skip fails the run, so they are needed too):

- GNU gettext (xgettext, msgmerge, msgattrib), for tests/test_translations.py;
- ``redis-server``, for the tests that start a Redis of their own (tests/processes.py);
- the PostgreSQL server programs (initdb, pg_ctl), for tests/reliability/test_faults.py.

Where apt is available and this runs as root (a Debian or Ubuntu machine, a container), what is
missing is installed with apt-get, in one go (Chromium too where the distribution packages it,
as Debian does; Ubuntu's is a snap, so there Playwright's build is installed with its system
libraries). Elsewhere (macOS, a machine without root) the browser is Playwright's own, installed
into its cache; the rest is named with the command that gets it. When everything is present it
takes a fraction of a second and prints nothing (Playwright is asked for its browser only when
Debian's is absent).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import glob
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"
POSTGRES_GLOB = "/usr/lib/postgresql/*/bin/initdb"
PLAYWRIGHT = str(Path(sys.executable).parent / "playwright")

Environ = Mapping[str, str]
Runner = Callable[..., subprocess.CompletedProcess]


# --- What is present ---------------------------------------------------------------------------
def debian_chromium(environ: Environ) -> Path | None:
    path = Path(environ.get("RODEDRADEN_CHROMIUM") or DEBIAN_CHROMIUM)
    return path if path.is_file() and os.access(path, os.X_OK) else None


def playwright_chromium(environ: Environ) -> Path | None:
    """Playwright's own Chromium, when it was installed (``playwright install chromium``)."""
    code = (
        "from playwright.sync_api import sync_playwright\n"
        "with sync_playwright() as p: print(p.chromium.executable_path)"
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code],
            env=dict(environ),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None
    return path if path is not None and path.is_file() else None


def chromium_executable(debian: Path | None, playwright_own: Path | None) -> Path | None:
    """The browser the browser tests launch: Debian's when it is there, else Playwright's own
    build when it was installed (tests/browser/conftest.py asks the running Playwright)."""
    if debian is not None:
        return debian
    return playwright_own if playwright_own is not None and playwright_own.is_file() else None


def chromium(environ: Environ) -> Path | None:
    return debian_chromium(environ) or chromium_executable(None, playwright_chromium(environ))


def _load(*names: str) -> ctypes.CDLL | None:
    """The first of ``names`` (the names WeasyPrint tries, per platform) that loads."""
    for name in names:
        for candidate in (name, ctypes.util.find_library(name)):
            if not candidate:
                continue
            try:
                return ctypes.CDLL(candidate)
            except OSError:
                continue
    return None


# The libraries weasyprint/text/ffi.py loads (the Linux, macOS and generic names).
WEASYPRINT_LIBRARIES = {
    "gobject": ("libgobject-2.0.so.0", "libgobject-2.0.0.dylib", "gobject-2.0"),
    "pango": ("libpango-1.0.so.0", "libpango-1.0.dylib", "pango-1.0"),
    "pangoft2": ("libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib", "pangoft2-1.0"),
    "harfbuzz": ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "harfbuzz"),
    "fontconfig": ("libfontconfig.so.1", "libfontconfig.1.dylib", "fontconfig"),
}


def weasyprint_libraries(environ: Environ) -> bool:
    return all(_load(*names) is not None for names in WEASYPRINT_LIBRARIES.values())


def fonts(environ: Environ) -> bool:
    """Whether fontconfig (as WeasyPrint will use it, FONTCONFIG_FILE included) finds a font."""
    fc = _load(*WEASYPRINT_LIBRARIES["fontconfig"])
    if fc is None:
        return False

    class FontSet(ctypes.Structure):
        _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]

    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcConfigGetFonts.restype = ctypes.POINTER(FontSet)
    fc.FcConfigGetFonts.argtypes = [ctypes.c_void_p, ctypes.c_int]
    fc.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    config = fc.FcInitLoadConfigAndFonts()
    if not config:
        return False
    try:
        system = fc.FcConfigGetFonts(config, 0)  # FcSetSystem
        return bool(system) and system.contents.nfont > 0
    finally:
        fc.FcConfigDestroy(config)


def _which(program: str, environ: Environ) -> str | None:
    return shutil.which(program, path=environ.get("PATH", os.defpath))


def gettext(environ: Environ) -> bool:
    return all(_which(tool, environ) for tool in ("xgettext", "msgmerge", "msgattrib"))


def redis_server(environ: Environ) -> bool:
    return _which("redis-server", environ) is not None


def postgres_server(environ: Environ) -> bool:
    """As tests/reliability/test_faults.py's postgres_bindir() finds them."""
    found = _which("pg_ctl", environ)
    if found and (Path(found).resolve().parent / "initdb").exists():
        return True
    return bool(glob.glob(POSTGRES_GLOB))


# --- What the suite needs ----------------------------------------------------------------------
@dataclass(frozen=True)
class Need:
    key: str
    what: str
    why: str
    required: bool  # False: the tests that need it are skipped with their reason
    apt: tuple[str, ...]  # Debian's packages
    elsewhere: str  # how to get it without apt as root
    present: Callable[[Environ], bool]


NEEDS = (
    Need(
        "chromium",
        "Chromium",
        "the browser tests (tests/browser)",
        True,
        ("chromium",),
        f"{PLAYWRIGHT} install chromium (as root on Linux: {PLAYWRIGHT} install --with-deps "
        "chromium, which adds the system libraries it needs)",
        lambda environ: chromium(environ) is not None,
    ),
    Need(
        "weasyprint",
        "WeasyPrint's libraries (Pango, HarfBuzz, fontconfig)",
        "the memo's PDF (tests/reports)",
        True,
        ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"),
        "brew install pango (macOS); your distribution's pango package elsewhere",
        weasyprint_libraries,
    ),
    Need(
        "fonts",
        "a font (DejaVu Sans or Liberation Sans)",
        "the memo's PDF (without a font WeasyPrint crashes the test process)",
        True,
        ("fonts-dejavu-core", "fonts-liberation2"),
        "your distribution's fonts-dejavu or fonts-liberation package",
        fonts,
    ),
    Need(
        "gettext",
        "GNU gettext (xgettext, msgmerge, msgattrib)",
        "tests/test_translations.py",
        False,
        ("gettext",),
        "brew install gettext (macOS); your distribution's gettext package elsewhere",
        gettext,
    ),
    Need(
        "redis",
        "redis-server",
        "the tests that start a Redis of their own (tests/reliability, tests/backup, the journey)",
        False,
        ("redis-server",),
        "brew install redis (macOS); your distribution's redis package elsewhere",
        redis_server,
    ),
    Need(
        "postgres",
        "the PostgreSQL server programs (initdb, pg_ctl)",
        "tests/reliability/test_faults.py",
        False,
        ("postgresql",),
        "brew install postgresql@15 (macOS); your distribution's postgresql package elsewhere",
        postgres_server,
    ),
)


def missing(environ: Environ, needs=NEEDS) -> list[Need]:
    return [need for need in needs if not need.present(environ)]


# --- Getting what is missing -------------------------------------------------------------------
def can_use_apt(environ: Environ, euid: int) -> bool:
    return euid == 0 and _which("apt-get", environ) is not None


def apt_has(package: str, environ: Environ, run: Runner) -> bool:
    """Whether apt can install ``package`` (Debian's chromium; Ubuntu has none, only a snap)."""
    try:
        result = run(
            ["apt-cache", "policy", package], env=dict(environ), capture_output=True, text=True
        )
    except OSError:
        return False
    return bool(re.search(r"Candidate: (?!\(none\))\S", result.stdout or ""))


def install(
    needs: list[Need], environ: Environ, *, euid: int, run: Runner, say: Callable[[str], None]
) -> None:
    """Installs what is missing where this machine allows it; what fails is reported after."""
    apt = can_use_apt(environ, euid)
    browser_from_playwright = any(need.key == "chromium" for need in needs)
    if apt:
        env = {**environ, "DEBIAN_FRONTEND": "noninteractive"}
        say("make test: installing with apt-get: " + ", ".join(need.what for need in needs))
        run(["apt-get", "update", "-qq"], env=env, check=False)
        packages = [package for need in needs for package in need.apt]
        if browser_from_playwright and apt_has("chromium", env, run):
            browser_from_playwright = False
        else:
            packages = [package for package in packages if package != "chromium"]
        if packages:
            run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=False)
    if browser_from_playwright:
        command = [PLAYWRIGHT, "install", *(["--with-deps"] if apt else []), "chromium"]
        say("make test: installing Playwright's Chromium: " + " ".join(command))
        run(command, env=dict(environ), check=False)


def report(needs: list[Need], *, apt: bool) -> str:
    lines = []
    for need in needs:
        how = f"apt-get install {' '.join(need.apt)}" if apt else need.elsewhere
        if need.key == "chromium" and apt:
            how += f" (where apt has no chromium: {PLAYWRIGHT} install --with-deps chromium)"
        lines.append(f"  - {need.what}, for {need.why}: {how}")
    return "\n".join(lines)


def main(
    argv: list[str] | None = None,
    *,
    environ: Environ | None = None,
    euid: int | None = None,
    run: Runner = subprocess.run,
    needs=NEEDS,
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check, install nothing")
    options = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    euid = os.geteuid() if euid is None else euid
    say = print

    absent = missing(environ, needs)
    if not absent:
        return 0
    if not options.check:
        install(absent, environ, euid=euid, run=run, say=say)
        absent = missing(environ, absent)
    apt = can_use_apt(environ, euid)
    strict = environ.get("RODEDRADEN_FORBID_SKIPS") == "1"
    needed = [need for need in absent if need.required or strict]
    wanted = [need for need in absent if need not in needed]
    if wanted:
        say(
            "make test: the tests that need these are skipped, each with its reason:\n"
            + report(wanted, apt=apt)
        )
    if needed:
        print(
            "make test: the test suite needs what this machine does not have"
            + (" (and could not install)" if not options.check else "")
            + ":\n"
            + report(needed, apt=apt)
            + "\nNo test was run.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
