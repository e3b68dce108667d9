"""``floorplan users``: every message calls a user "user", whatever happened."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from floorplan.cli import main


def test_users_messages_say_user_one_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users = str(tmp_path / "users.json")
    said: list[str] = []

    def cli(*argv: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["users", *argv, "--users", users])
        out = capsys.readouterr()
        said.append(out.out + out.err)
        return code

    assert (
        cli("add", "ana", "--role", "staff", "--password-stdin", stdin="long-enough-password\n")
        == 0
    )
    assert (
        cli("add", "bo b", "--role", "staff", "--password-stdin", stdin="long-enough-password\n")
        == 2
    )
    assert cli("add", "cy", "--role", "staff", "--password-stdin", stdin="short\n") == 2
    assert cli("list") == 0
    assert cli("remove", "ana") == 0
    assert cli("remove", "ana") == 2
    text = "\n".join(said)
    assert text.count("user") >= 5  # every message names what it is about
    assert "User" not in text
