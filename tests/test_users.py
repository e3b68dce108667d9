"""User file: salted hashes, roles, atomic writes, the users command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from floorplan.cli import main
from floorplan.errors import OptionError, UserError
from floorplan.users import Role, add_user, load_users, remove_user, verify_user

PW = "s3cret-passw0rd"


def test_add_and_verify(tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    user = add_user(f, "ann", role="planner", password=PW)
    assert user.role is Role.PLANNER
    assert verify_user(f, "ann", PW) == user
    assert verify_user(f, "ann", PW + "x") is None
    assert verify_user(f, "bob", PW) is None
    assert load_users(f) == {"ann": user}


def test_password_never_stored_and_salted(tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    add_user(f, "ann", role="staff", password=PW)
    add_user(f, "bob", role="staff", password=PW)
    raw = f.read_text()
    assert PW not in raw
    recs = json.loads(raw)["users"]
    assert recs["ann"]["salt"] != recs["bob"]["salt"]
    assert recs["ann"]["hash"] != recs["bob"]["hash"]
    assert f.stat().st_mode & 0o077 == 0


def test_replace_and_remove(tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    add_user(f, "ann", role="staff", password=PW)
    add_user(f, "ann", role="admin", password=PW + "2")
    assert load_users(f)["ann"].role is Role.ADMIN
    assert verify_user(f, "ann", PW) is None
    remove_user(f, "ann")
    assert load_users(f) == {}
    with pytest.raises(UserError, match="no user 'ann'"):
        remove_user(f, "ann")


def test_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    with pytest.raises(OptionError, match="unknown role 'boss'; valid: planner, staff, admin"):
        add_user(f, "ann", role="boss", password=PW)
    with pytest.raises(UserError, match="at least 8"):
        add_user(f, "ann", role="staff", password="short")
    with pytest.raises(UserError, match="user name 'a b'"):
        add_user(f, "a b", role="staff", password=PW)
    assert not f.exists()  # nothing half-written


def test_broken_file_is_refused_and_kept(tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    f.write_text("{not json")
    with pytest.raises(UserError, match=r"u\.json is not a floorplan user file"):
        add_user(f, "ann", role="staff", password=PW)
    assert f.read_text() == "{not json"
    assert list(tmp_path.iterdir()) == [f]  # no temp file left behind


def test_users_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "users.json"
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    code = main(["users", "add", "ann", "--role", "staff", "--password-stdin", "--users", str(f)])
    assert code == 0
    assert verify_user(f, "ann", PW) is not None
    assert main(["users", "list", "--users", str(f)]) == 0
    assert "ann\tstaff" in capsys.readouterr().out
    assert main(["users", "remove", "bob", "--users", str(f)]) == 2
    assert "no user 'bob'" in capsys.readouterr().err


def test_env_names_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "env-users.json"
    monkeypatch.setenv("FLOORPLAN_USERS", str(f))
    add_user(None, "ann", role="admin", password=PW)
    assert f.exists()
