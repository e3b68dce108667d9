"""Tests of the layout store's drafts (autosaved unsaved edits; never versions)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pyogrio
import pytest

import floorplan
from floorplan.cli import main
from floorplan.errors import StoreError
from floorplan.io.store import DRAFT_MAX_BYTES, LayoutStore

from conftest import tiny_hall, write_spec


@pytest.fixture
def store(tmp_path: Path) -> LayoutStore:
    venue = floorplan.read_venue(write_spec(tiny_hall(), tmp_path / "tiny"))
    s = LayoutStore(tmp_path / "s.gpkg")
    s.save(venue, message="import")
    s.save(venue, message="second", base=1)
    return s


def test_save_load_replace_delete(store: LayoutStore) -> None:
    assert store.drafts() == []
    assert store.load_draft("pat", 2) is None
    a = store.save_draft("pat", base=2, origin=1, edits=3, text='{"x": "北京"}')
    assert (a.author, a.base, a.origin, a.edits) == ("pat", 2, 1, 3)
    assert a.size_bytes == len('{"x": "北京"}'.encode())
    got = store.load_draft("pat", 2)
    assert got is not None
    assert got[0] == a
    assert got[1] == '{"x": "北京"}'
    # One draft per user and base: a later write replaces it.
    b = store.save_draft("pat", base=2, origin=2, edits=4, text="later")
    assert store.drafts("pat") == [b]
    store.save_draft("sam", base=1, origin=1, edits=1, text="sam's")
    assert [d.author for d in store.drafts()] == ["sam", "pat"]  # newest first
    assert [d.author for d in store.drafts("pat")] == ["pat"]
    assert store.delete_draft("pat", 2) is True
    assert store.delete_draft("pat", 2) is False
    assert store.load_draft("pat", 2) is None
    assert [d.author for d in store.drafts()] == ["sam"]


def test_drafts_are_never_versions(store: LayoutStore, capsys: pytest.CaptureFixture[str]) -> None:
    store.publish(1)
    before = store.versions()
    store.save_draft("pat", base=2, origin=2, edits=7, text="{}")
    assert store.versions() == before
    assert store.latest() == 2
    assert store.published_version() == 1
    assert main(["layouts", "list", "--store", str(store.path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listed["versions"]] == [1, 2]
    # GIS tools see the venue's layers only, not the drafts table.
    layers = {str(name) for name, _ in pyogrio.list_layers(store.path)}
    assert "drafts" not in layers
    assert "booths" in layers
    store.load(2)  # the store still reads as one


def test_refused_drafts_change_nothing(store: LayoutStore) -> None:
    store.save_draft("pat", base=2, origin=2, edits=1, text="kept")
    with pytest.raises(StoreError, match="over the layout store's limit"):
        store.save_draft("pat", base=2, origin=2, edits=2, text="x" * (DRAFT_MAX_BYTES + 1))
    with pytest.raises(StoreError, match="no version 9"):
        store.save_draft("pat", base=9, origin=2, edits=2, text="y")
    with pytest.raises(StoreError, match="no version 7"):
        store.save_draft("pat", base=2, origin=7, edits=2, text="y")
    with pytest.raises(StoreError, match="author"):
        store.save_draft("", base=2, origin=2, edits=2, text="y")
    got = store.load_draft("pat", 2)
    assert got is not None
    assert got[1] == "kept"


def test_no_store_yet(tmp_path: Path) -> None:
    empty = LayoutStore(tmp_path / "none.gpkg")
    assert empty.drafts() == []
    assert empty.load_draft("pat", 1) is None
    assert empty.delete_draft("pat", 1) is False
    with pytest.raises(StoreError, match="no version 1"):
        empty.save_draft("pat", base=1, origin=1, edits=1, text="x")
    assert not empty.path.exists()


_WRITER = textwrap.dedent(
    """
    import sys
    from floorplan.io.store import LayoutStore
    store = LayoutStore(sys.argv[1])
    tag = sys.argv[2]
    for k in range(100_000):
        text = tag * (200_000 + k % 7)
        store.save_draft("pat", base=1, origin=1, edits=k, text=text)
        print("wrote", k, flush=True)
    """
)


def test_two_writers_and_a_kill_leave_one_whole_draft(store: LayoutStore) -> None:
    # Two processes write the same user's draft over and over; one is killed mid-way.
    # Whatever survives is one writer's whole text, never a mix or a torn row.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(store.path), tag],
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    try:
        for p in procs:  # both are writing
            assert p.stdout is not None
            for _ in range(3):
                assert p.stdout.readline().startswith("wrote"), "a writer died"
        os.kill(procs[0].pid, signal.SIGKILL)
        procs[0].wait()
        assert procs[1].stdout is not None
        for _ in range(3):  # the other goes on writing after the kill
            assert procs[1].stdout.readline().startswith("wrote")
    finally:
        for p in procs:
            p.kill()
            p.wait()
    got = store.load_draft("pat", 1)
    assert got is not None
    info, text = got
    assert set(text) in ({"a"}, {"b"})
    assert len(text) == info.size_bytes
    assert 200_000 <= len(text) < 200_007
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM drafts").fetchone() == (1,)
