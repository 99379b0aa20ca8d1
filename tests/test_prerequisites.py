"""`make test` on a fresh machine (tests/prerequisites.py): what the suite needs from the
machine is installed where the machine allows it, or named with the command that gets it,
before any test runs; the browser tests launch Debian's Chromium or else Playwright's own."""

import dataclasses
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests import prerequisites
from tests.compose import run_python

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def run_script(tmp_path: Path, *args: str, **environ: str) -> subprocess.CompletedProcess:
    """``python -m tests.prerequisites`` as `make test` runs it, in another environment."""
    env = {k: v for k, v in os.environ.items() if k != "RODEDRADEN_FORBID_SKIPS"}
    env.update(environ)
    return run_python("-m", "tests.prerequisites", *args, env=env)


# --- In another process, on what this machine really has ---------------------------------------
def test_a_machine_without_chromium_is_told_what_is_missing_before_any_test_runs(tmp_path):
    """Neither Debian's Chromium nor Playwright's own (its cache is empty): `make test` stops
    before pytest, naming the browser and the commands that install it."""
    result = run_script(
        tmp_path,
        "--check",
        RODEDRADEN_CHROMIUM=str(tmp_path / "no-chromium"),
        PLAYWRIGHT_BROWSERS_PATH=str(tmp_path / "no-browsers"),
    )
    assert result.returncode == 1, result
    assert "Chromium, for the browser tests (tests/browser)" in result.stderr
    assert "apt-get install chromium" in result.stderr or (
        "playwright install chromium" in result.stderr
    )
    assert "No test was run." in result.stderr


def test_a_machine_without_a_font_is_told_before_weasyprint_crashes(tmp_path):
    """Without a font WeasyPrint crashes the whole test process (a segmentation fault), so a
    machine where fontconfig finds none is stopped first."""
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_FONTCONFIG.format(cache=tmp_path / "cache"))
    result = run_script(tmp_path, "--check", FONTCONFIG_FILE=str(config))
    assert result.returncode == 1, result
    assert "a font (DejaVu Sans or Liberation Sans)" in result.stderr
    assert "Chromium" not in result.stderr  # this machine has it


def test_this_machine_has_what_the_suite_needs():
    """CI's machine (and this one): every need present, nothing installed, nothing said."""
    env = {k: v for k, v in os.environ.items() if k != "RODEDRADEN_FORBID_SKIPS"}
    assert [need.key for need in prerequisites.missing(env) if need.required] == []


# --- The decisions, on a made-up machine -------------------------------------------------------
class Machine:
    """A machine whose programs are files in tmp_path: ``run`` records each command and the
    package managers "install" by creating the files."""

    def __init__(self, tmp_path: Path, monkeypatch, *, apt: bool, chromium_in_apt: bool = True):
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.chromium = tmp_path / "usr" / "bin" / "chromium"
        self.playwright_own = tmp_path / "ms-playwright" / "chromium-1" / "chrome"
        self.commands: list[list[str]] = []
        self.chromium_in_apt = chromium_in_apt
        if apt:
            executable(self.bin / "apt-get")
        self.environ = {"PATH": str(self.bin), "RODEDRADEN_CHROMIUM": str(self.chromium)}
        monkeypatch.setattr(prerequisites, "POSTGRES_GLOB", str(tmp_path / "pg/*/bin/initdb"))
        monkeypatch.setattr(
            prerequisites,
            "playwright_chromium",
            lambda environ: self.playwright_own if self.playwright_own.exists() else None,
        )
        # WeasyPrint's libraries and a font: as present as the test says.
        self.needs = tuple(
            dataclasses.replace(need, present=lambda environ: True)
            if need.key in ("weasyprint", "fonts")
            else need
            for need in prerequisites.NEEDS
        )

    def has(self, *programs: str) -> None:
        for program in programs:
            executable(self.bin / program)

    def run(self, command, **kwargs):
        self.commands.append(list(command))
        stdout = ""
        if command[:2] == ["apt-cache", "policy"]:
            stdout = "chromium:\n  Installed: (none)\n  Candidate: " + (
                "150.0.7871.0-1~deb12u1\n" if self.chromium_in_apt else "(none)\n"
            )
        elif command[:2] == ["apt-get", "install"]:
            packages = command[4:]
            if "chromium" in packages:
                executable(self.chromium)
            if "gettext" in packages:
                self.has("xgettext", "msgmerge", "msgattrib")
            if "redis-server" in packages:
                self.has("redis-server")
            if "postgresql" in packages:
                self.has("pg_ctl", "initdb")
        elif command[0] == prerequisites.PLAYWRIGHT:
            executable(self.playwright_own)
        return subprocess.CompletedProcess(command, 0, stdout, "")

    def make_test(self, *args: str, euid: int = 0, **environ: str) -> int:
        return prerequisites.main(
            list(args),
            environ={**self.environ, **environ},
            euid=euid,
            run=self.run,
            needs=self.needs,
        )


@pytest.fixture
def machine(tmp_path, monkeypatch):
    def make(**kwargs) -> Machine:
        return Machine(tmp_path, monkeypatch, **kwargs)

    return make


def test_when_everything_is_there_nothing_is_installed_nor_said(machine, capsys):
    fresh = machine(apt=True)
    executable(fresh.chromium)
    fresh.has("xgettext", "msgmerge", "msgattrib", "redis-server", "pg_ctl", "initdb")
    assert fresh.make_test() == 0
    assert fresh.commands == []
    assert capsys.readouterr() == ("", "")


def test_as_root_with_apt_only_what_is_missing_is_installed_in_one_go(machine):
    """Debian as root (a container, CI): Debian's Chromium and the missing tools with apt-get,
    only those; then the suite runs."""
    fresh = machine(apt=True)
    fresh.has("xgettext", "msgmerge", "msgattrib", "pg_ctl", "initdb")  # gettext, PostgreSQL
    assert fresh.make_test() == 0
    assert fresh.commands == [
        ["apt-get", "update", "-qq"],
        ["apt-cache", "policy", "chromium"],
        ["apt-get", "install", "-y", "-qq", "chromium", "redis-server"],
    ]
    assert prerequisites.debian_chromium(fresh.environ) == fresh.chromium


def test_where_apt_has_no_chromium_playwright_installs_its_own_with_its_libraries(machine):
    """Ubuntu as root: its chromium is a snap, so Playwright's build, with the system
    libraries it needs (--with-deps uses apt)."""
    fresh = machine(apt=True, chromium_in_apt=False)
    assert fresh.make_test() == 0
    assert fresh.commands == [
        ["apt-get", "update", "-qq"],
        ["apt-cache", "policy", "chromium"],
        ["apt-get", "install", "-y", "-qq", "gettext", "redis-server", "postgresql"],
        [prerequisites.PLAYWRIGHT, "install", "--with-deps", "chromium"],
    ]


def test_without_root_the_browser_is_playwrights_own_and_the_rest_is_named(machine, capsys):
    """Not root (a laptop, macOS): no apt-get; Playwright's Chromium goes into its cache, and
    the optional tools are named with how to get them, their tests being skipped."""
    fresh = machine(apt=True)
    assert fresh.make_test(euid=1000) == 0
    assert fresh.commands == [[prerequisites.PLAYWRIGHT, "install", "chromium"]]
    out = capsys.readouterr().out
    assert "the tests that need these are skipped" in out
    assert "GNU gettext (xgettext, msgmerge, msgattrib)" in out
    assert "brew install redis" in out


def test_when_the_browser_cannot_be_installed_no_test_runs(machine, capsys):
    """The download of Playwright's build fails (no network): said, and `make test` stops."""
    fresh = machine(apt=False)
    fresh.has("xgettext", "msgmerge", "msgattrib", "redis-server", "pg_ctl", "initdb")
    fresh.run = lambda command, **kwargs: subprocess.CompletedProcess(command, 1, "", "")
    assert fresh.make_test(euid=1000) == 1
    err = capsys.readouterr().err
    assert "needs what this machine does not have (and could not install)" in err
    assert f"Chromium, for the browser tests (tests/browser): {prerequisites.PLAYWRIGHT}" in err


def test_in_ci_a_tool_whose_tests_would_be_skipped_is_needed(machine, capsys):
    """RODEDRADEN_FORBID_SKIPS=1 (.ci/run): a skip fails the run, so it fails first."""
    fresh = machine(apt=False)
    executable(fresh.chromium)
    fresh.has("xgettext", "msgmerge", "msgattrib", "pg_ctl", "initdb")
    assert fresh.make_test("--check") == 0
    assert "redis-server, for the tests that start a Redis" in capsys.readouterr().out
    assert fresh.make_test("--check", RODEDRADEN_FORBID_SKIPS="1") == 1
    assert "redis-server, for the tests that start a Redis" in capsys.readouterr().err
    assert fresh.commands == []


def test_the_browser_tests_launch_debians_chromium_else_playwrights_own(tmp_path):
    debian = executable(tmp_path / "chromium")
    own = tmp_path / "ms-playwright" / "chrome"
    assert prerequisites.chromium_executable(debian, own) == debian
    assert prerequisites.chromium_executable(None, own) is None
    executable(own)
    assert prerequisites.chromium_executable(debian, own) == debian
    assert prerequisites.chromium_executable(None, own) == own
    assert prerequisites.debian_chromium({"RODEDRADEN_CHROMIUM": str(tmp_path / "no")}) is None
    assert prerequisites.debian_chromium({"RODEDRADEN_CHROMIUM": str(debian)}) == debian
