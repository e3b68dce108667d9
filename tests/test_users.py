"""User file: salted hashes, roles, atomic writes, the users command."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from floorplan.atomic import atomic_file
from floorplan.cli import main
from floorplan.errors import OptionError, UserError, WriteError
from floorplan.users import (
    Role,
    User,
    add_user,
    load_users,
    read_user_file,
    remove_user,
    verify_user,
)

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
    with pytest.raises(UserError, match="at least 12 characters"):
        add_user(f, "ann", role="staff", password="elevenchars")
    with pytest.raises(UserError, match="user name 'a b'"):
        add_user(f, "a b", role="staff", password=PW)
    assert not f.exists()  # nothing half-written


def test_broken_file_is_refused_and_kept(tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    f.write_text("{not json")
    with pytest.raises(UserError, match=r"u\.json is not JSON .*restore it from a backup"):
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


# ------------------------------------------------------------------ the users file


_WATCHER = """
import json, os, stat, sys
folder, stop = sys.argv[1], sys.argv[2]
seen = exposed = 0
while not os.path.exists(stop):
    for entry in os.scandir(folder):
        if not entry.name.startswith(".users.json."):
            continue
        try:
            mode = os.lstat(entry.path).st_mode
        except FileNotFoundError:
            continue  # renamed into place meanwhile
        seen += 1
        exposed += bool(mode & 0o077)
print(json.dumps({"seen": seen, "exposed": exposed}))
"""


def test_no_moment_exposes_the_hashes(tmp_path: Path) -> None:
    """Another process watching the folder never sees a temporary file others may read.

    The file holds 2,000 entries (400 KB) so that each write takes long enough for the
    watcher to see its temporary file; the old code (write, then chmod) was caught.
    """
    folder = tmp_path / "conf"
    folder.mkdir()
    f = folder / "users.json"
    fake = {"role": "staff", "kdf": "scrypt", "n": 2, "r": 1, "p": 1}
    entries = {f"user{i}": {**fake, "salt": "00" * 16, "hash": "11" * 32} for i in range(2000)}
    f.write_text(json.dumps({"users": entries}))
    f.chmod(0o600)
    stop = tmp_path / "stop"
    watcher = subprocess.Popen(
        [sys.executable, "-c", _WATCHER, str(folder), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        for i in range(25):
            add_user(f, f"ann{i}", role="staff", password=PW)
    finally:
        stop.touch()
        out, _ = watcher.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["exposed"] == 0, seen
    assert seen["seen"] > 0, "the watcher never saw a temporary file; it proves nothing"
    assert f.stat().st_mode & 0o777 == 0o600


def test_the_temporary_file_has_its_mode_before_the_first_byte(tmp_path: Path) -> None:
    with atomic_file(tmp_path / "secret.json", mode=0o600) as tmp:
        assert tmp.exists()
        assert tmp.stat().st_mode & 0o777 == 0o600
        assert tmp.stat().st_size == 0
        tmp.write_text("hashes")
        assert tmp.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "secret.json").stat().st_mode & 0o777 == 0o600


def _entry(password: str, role: str = "staff") -> dict[str, object]:
    f = Path(tempfile.mkdtemp()) / "one.json"
    add_user(f, "x", role=role, password=password)
    rec: dict[str, object] = json.loads(f.read_text())["users"]["x"]
    return rec


def test_one_broken_entry_shuts_out_that_user_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "users.json"
    good = _entry(PW, "planner")
    users = {
        "ann": good,
        "bob": {**good, "role": "boss"},
        "carl": {**good, "hash": "not hex"},
        "dave": 5,
        "bad name": good,
    }
    f.write_text(json.dumps({"users": users}))
    with caplog.at_level(logging.WARNING, logger="floorplan.users"):
        assert set(load_users(f)) == {"ann"}
        assert set(load_users(f)) == {"ann"}  # warned once, not on every check
        assert verify_user(f, "ann", PW) == User("ann", Role.PLANNER)
        assert verify_user(f, "bob", PW) is None  # right password, unknown role
    warned = [r.getMessage() for r in caplog.records]
    assert sum("'bob'" in m and "unknown role 'boss'" in m for m in warned) == 1
    assert any("'carl'" in m and "not hexadecimal" in m for m in warned)
    assert read_user_file(f).broken.keys() == {"bob", "carl", "dave", "bad name"}
    assert main(["users", "list", "--users", str(f)]) == 1
    out, err = capsys.readouterr()
    assert out == "ann\tplanner\n"
    assert "user 'bob' cannot log in: unknown role 'boss'" in err
    # Mending one entry keeps the others as they are.
    add_user(f, "bob", role="staff", password=PW)
    assert set(load_users(f)) == {"ann", "bob"}
    assert json.loads(f.read_text())["users"]["dave"] == 5


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("{not json", "is not JSON"),
        ('{"users": [1, 2]}', 'no "users" object'),
        ("[]", 'no "users" object'),
        ("[" * 100_000, "is not JSON"),
    ],
)
def test_a_damaged_file_is_a_clear_error(
    text: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "users.json"
    f.write_text(text)
    for call in (lambda: load_users(f), lambda: verify_user(f, "ann", PW)):
        with pytest.raises(UserError, match=words) as info:
            call()
        assert str(f) in str(info.value)
        assert "floorplan users add" in str(info.value) or "backup" in str(info.value)
    assert main(["users", "list", "--users", str(f)]) == 2
    assert words in capsys.readouterr().err
    assert f.read_text() == text


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "users.json"
    f.write_bytes(b'{"users": {"\xff": 1}}')
    with pytest.raises(UserError, match="not UTF-8"):
        load_users(f)


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("elevenchars", "at least 12 characters"),
        ("abababababab", "at least 5 different characters"),
        ("password1234", "first that any guesser tries"),
        ("PASSWORD1234", "first that any guesser tries"),
        ("my-name-is-annabel", "must not contain the user name"),
        ("x" * 1025, "at most 1024"),
    ],
)
def test_password_policy_refuses(password: str, words: str, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=words):
        add_user(tmp_path / "u.json", "annabel", role="staff", password=password)
    assert not (tmp_path / "u.json").exists()


@pytest.mark.parametrize("password", ["correct horse battery", "twelve chars", "Ünïcødé-Paß1"])
def test_password_policy_accepts(password: str, tmp_path: Path) -> None:
    f = tmp_path / "u.json"
    add_user(f, "annabel", role="staff", password=password)
    assert verify_user(f, "annabel", password) is not None


def test_unwritable_user_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    f = blocker / "users.json"  # a file where the folder must be
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    argv = ["users", "add", "ann", "--role", "staff", "--password-stdin", "--users", str(f)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"floorplan users add: user file {f} cannot be written")
    assert "nothing changed" in err
    with pytest.raises(WriteError):
        add_user(f, "ann", role="staff", password=PW)
