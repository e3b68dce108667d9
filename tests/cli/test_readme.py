"""README's command list names every option that ``floorplan COMMAND --help`` shows."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from floorplan.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _entries() -> list[tuple[str, str, str]]:
    """Return README's command list as (command, first word after it, text) entries."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    entries: list[tuple[str, str, str]] = []
    for line in block.splitlines():
        if line.startswith("floorplan "):
            words = line.split()
            entries.append((words[1], words[2] if len(words) > 2 else "", line))
        elif line.strip() and entries:
            cmd, sub, body = entries[-1]
            entries[-1] = (cmd, sub, body + "\n" + line)
    return entries


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to walk the tree
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands() -> list[tuple[str, str, argparse.ArgumentParser]]:
    out = []
    for name, parser in _subparsers(build_parser()).items():
        subs = _subparsers(parser)
        out.append((name, "", parser))
        out.extend((name, sub, p) for sub, p in subs.items())
    return out


def _options(parser: argparse.ArgumentParser) -> list[list[str]]:
    """Return each option of ``parser`` as its option strings (``-h`` left out)."""
    return [
        list(a.option_strings)
        for a in parser._actions
        if a.option_strings and not isinstance(a, argparse._HelpAction)
    ]


@pytest.mark.parametrize(
    ("command", "sub", "parser"),
    [pytest.param(*c, id=f"{c[0]} {c[1]}".strip()) for c in _commands()],
)
def test_readme_names_every_option(command: str, sub: str, parser: argparse.ArgumentParser) -> None:
    entries = [e for e in _entries() if e[0] == command]
    assert entries, f"README's command list has no line for floorplan {command}"
    own = [body for _, first, body in entries if sub and first == sub]
    # A line like "users add NAME ... | remove NAME | list" covers every subcommand.
    text = "\n".join(own or [body for _, _, body in entries])
    # "--[no-]sprinklered" names both "--sprinklered" and "--no-sprinklered".
    text = re.sub(r"--\[no-\]([\w-]+)", r"--\1 --no-\1", text)
    if sub:
        assert re.search(rf"(?<![\w-]){re.escape(sub)}(?![\w-])", text), (command, sub)
    for strings in _options(parser):
        found = any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text) for s in strings)
        assert found, f"README's command list lacks {strings[-1]} of floorplan {command} {sub}"


def test_the_check_sees_options() -> None:
    """The test above can fail: the parser has options README would have to name."""
    names = {s for _, _, p in _commands() for strings in _options(p) for s in strings}
    assert {"--walk-samples", "--venue", "--force", "--lang"} <= names
