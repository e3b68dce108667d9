"""Tests of floorplan.store (LayoutStore) and the ``floorplan layouts`` command."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from _disk import run_with_file_limit

import floorplan
from floorplan.cli import main
from floorplan.cli.layouts import run as run_layouts
from floorplan.errors import PublishRefusedError, StaleBaseError, StoreError
from floorplan.io.store import LayoutStore
from floorplan.layout import LayoutEditor
from floorplan.problems import RuleCode
from floorplan.rules import PublishGate

from conftest import ORIGIN, tiny_hall, write_spec

OX, OY = ORIGIN


@pytest.fixture
def venue(tmp_path: Path) -> floorplan.Venue:
    spec = tiny_hall()
    spec.layers["booths"][2] = (
        {**spec.layers["booths"][2][0], "exhibitor": "北京 Ünïcode Ltd.", "floor_note": "raised"},
        spec.layers["booths"][2][1],
    )
    return floorplan.read_venue(write_spec(spec, tmp_path / "tiny"))


def _coords(venue: floorplan.Venue, bid: str) -> np.ndarray:
    return shapely.get_coordinates(venue.booths.set_index("booth_id").geometry[bid])


def _cells(frame: object) -> list[list[object]]:
    """Return a frame's cells with every kind of missing value as None."""
    rows = frame.astype(object).to_numpy().tolist()  # type: ignore[attr-defined]
    return [[None if pd.isna(v) else v for v in row] for row in rows]


def _same_layers(a: floorplan.Venue, b: floorplan.Venue) -> None:
    for layer in floorplan.schema.LAYERS:
        fa, fb = a.layer(layer), b.layer(layer)
        plain = [c for c in fa.columns if c != "geometry"]
        assert plain == [c for c in fb.columns if c != "geometry"], layer
        plain_a = _cells(fa[plain])
        plain_b = _cells(fb[plain])
        assert plain_a == plain_b, layer
        assert fa.geometry.geom_equals_exact(fb.geometry, 0).all(), layer
    assert (
        a.events.astype(object).to_numpy().tolist() == b.events.astype(object).to_numpy().tolist()
    )
    assert (a.name, a.dates, a.crs) == (b.name, b.dates, b.crs)


def test_round_trip_is_exact(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    assert store.versions() == []
    assert store.latest() is None
    v1 = store.save(venue, message="import", author="ann")
    assert v1 == 1
    _same_layers(venue, store.load(v1))
    # A real GeoPackage that GDAL reads.
    names = {row[0] for row in floorplan.io.gpkg.pyogrio.list_layers(store.path)}
    assert {"booths", "halls", "versions", "publications"} <= names


def test_must_show_nudge_diff_and_stale_base(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    v1 = store.save(venue, message="import", author="ann")
    ed = LayoutEditor(store.load(v1))
    ed.move("H1-A02", dx_m=0.0, dy_m=-1.0)
    v2 = store.save(ed.venue, message="nudge A02 south", base=v1, author="bob")
    stored = _coords(store.load(v2), "H1-A02")
    assert np.array_equal(stored, np.add(_coords(venue, "H1-A02"), [0.0, -1.0]))
    d = store.diff(v1, v2)
    assert d.moved == ("H1-A02",)
    assert (d.added, d.removed, d.resized, d.reassigned) == ((), (), (), ())
    # A second planner who also started from v1 is refused, naming bob and when.
    other = LayoutEditor(store.load(v1))
    other.assign("H1-A03", "Carl's stand")
    with pytest.raises(
        StaleBaseError, match=r"based on version 1, but version 2 was saved since by bob at 20\d\d-"
    ) as err:
        store.save(other.venue, message="assign A03", base=v1, author="carl")
    assert err.value.latest == 2
    assert err.value.author == "bob"
    assert [i.version for i in store.versions()] == [1, 2]
    assert [i.message for i in store.versions()] == ["import", "nudge A02 south"]
    # ... and can save as a copy: nothing is lost.
    v3 = store.save(other.venue, message="assign A03", base=v1, author="carl", as_copy=True)
    assert store.info(v3).parent == 1
    assert store.diff(v2, v3).reassigned == ("H1-A03",)
    assert store.diff(v2, v3).moved == ("H1-A02",)


def test_diff_kinds(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    v1 = store.save(venue, message="import")
    ed = LayoutEditor(venue)
    ed.rotate("H1-A01", 90)
    ed.resize("H1-A02", width_m=4, depth_m=4)
    ed.remove("H1-A03")
    ed.add("NEW-1", shapely.box(OX + 30, OY + 2, OX + 33, OY + 5), hall_id="H1", zone="digital")
    ed.assign("H1-A01", "", zone="health")
    v2 = store.save(ed.venue, message="many", base=v1)
    d = store.diff(v1, v2)
    assert d.to_dict() == {
        "a": 1,
        "b": 2,
        "added": ["NEW-1"],
        "removed": ["H1-A03"],
        "moved": ["H1-A01"],
        "resized": ["H1-A02"],
        "reassigned": ["H1-A01"],
        "rezoned": ["H1-A01"],
        "changed_layers": [],
    }
    assert store.diff(v1, v1).empty


def test_unchanged_layers_are_not_stored_again(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    v1 = store.save(venue, message="a")
    ed = LayoutEditor(venue)
    ed.move("H1-A01", dx_m=1, dy_m=0)
    store.save(ed.venue, message="b", base=v1)
    with sqlite3.connect(store.path) as db:
        per = dict(db.execute("SELECT fp_version, count(*) FROM halls GROUP BY fp_version"))
        booths = dict(db.execute("SELECT fp_version, count(*) FROM booths GROUP BY fp_version"))
    assert per == {1: 1}
    assert booths == {1: 3, 2: 3}
    assert len(store.load(2).halls) == 1


def test_publish(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    assert store.published_version() is None
    assert store.published() is None
    v1 = store.save(venue, message="a")
    assert store.published_version() is None
    ed = LayoutEditor(venue)
    ed.move("H1-A01", dx_m=0, dy_m=2)
    v2 = store.save(ed.venue, message="b", base=v1)
    store.publish(v2, author="ann")
    assert store.published_version() == 2
    pub = store.published()
    assert pub is not None
    assert np.array_equal(_coords(pub, "H1-A01"), _coords(ed.venue, "H1-A01"))
    store.publish(v1)  # roll back to the first layout
    assert store.published_version() == 1
    assert store.info(1).published_at is not None
    with pytest.raises(StoreError, match="has no version 7; it holds versions 1–2"):
        store.publish(7)
    assert store.published_version() == 1


def test_errors(tmp_path: Path, venue: floorplan.Venue) -> None:
    with pytest.raises(StoreError, match=r"a layout store is a \.gpkg file"):
        LayoutStore(tmp_path / "s.sqlite")
    store = LayoutStore(tmp_path / "s.gpkg")
    with pytest.raises(StoreError, match="has no version 1; it is empty"):
        store.load(1)
    with pytest.raises(StoreError, match="needs a message"):
        store.save(venue, message="  ")
    assert not store.path.exists()
    store.save(venue, message="a")
    with pytest.raises(StaleBaseError, match="based on no version, but version 1 was saved"):
        store.save(venue, message="again")
    with pytest.raises(StoreError, match="has no version 9"):
        store.save(venue, message="b", base=9)
    with pytest.raises(StoreError, match="a version is a whole number"):
        store.load("1")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="has no version 5"):
        store.diff(1, 5)
    assert [i.version for i in store.versions()] == [1]
    other = venue.copy()
    for layer in floorplan.schema.LAYERS:
        setattr(other, layer, other.layer(layer).to_crs("EPSG:3857"))
    with pytest.raises(StoreError, match="venue CRS EPSG:3857 is not the store's"):
        store.save(other, message="b", base=1)
    (tmp_path / "not.gpkg").write_bytes(b"hello, not a database" * 20)
    with pytest.raises(StoreError, match="is not a readable GeoPackage"):
        LayoutStore(tmp_path / "not.gpkg").versions()
    assert [i.version for i in store.versions()] == [1]


def test_two_stores_on_one_file(tmp_path: Path, venue: floorplan.Venue) -> None:
    path = tmp_path / "s.gpkg"
    ann, bob = LayoutStore(path), LayoutStore(path)
    v1 = ann.save(venue, message="import", author="ann")
    ed_a, ed_b = LayoutEditor(ann.load(v1)), LayoutEditor(bob.load(v1))
    ed_a.move("H1-A01", dx_m=1, dy_m=0)
    ed_b.move("H1-A01", dx_m=-1, dy_m=0)
    assert ann.save(ed_a.venue, message="ann's", base=v1, author="ann") == 2
    with pytest.raises(StaleBaseError, match="by ann"):
        bob.save(ed_b.venue, message="bob's", base=v1, author="bob")
    assert [(i.version, i.author) for i in bob.versions()] == [(1, "ann"), (2, "ann")]


_RACER = textwrap.dedent(
    """
    import sys
    from floorplan import read_venue
    from floorplan.layout import LayoutEditor
    from floorplan.io.store import LayoutStore, StaleBaseError
    store = LayoutStore(sys.argv[1])
    venue = read_venue(sys.argv[2])
    ed = LayoutEditor(venue)
    ed.move("H1-A01", dx_m=float(sys.argv[3]), dy_m=0)
    base = store.latest()
    print("ready", base, flush=True)  # loaded and edited on version 1: at the barrier
    assert sys.stdin.readline().strip() == "go"  # released only once both are ready
    try:
        v = store.save(ed.venue, message="race " + sys.argv[3], base=base, author=sys.argv[3])
        print("won", v, flush=True)
    except StaleBaseError as exc:
        print("refused", exc.latest, flush=True)
    """
)


def test_two_processes_racing_on_one_base(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    store.save(venue, message="import")
    src = tmp_path / "tiny"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(store.path), str(src), dx],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for dx in ("1", "-1")
    ]
    try:
        # The barrier: each racer says it is ready (store open, base read, booth moved)
        # and blocks until released; both are released together, only once both are.
        for p in procs:
            assert p.stdout is not None
            assert p.stdout.readline().split() == ["ready", "1"]
        assert all(p.poll() is None for p in procs)  # both alive, waiting at once
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = [p.communicate(timeout=120)[0].split() for p in procs]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    assert sorted(o[0] for o in outs) == ["refused", "won"]
    # The loser was refused because of the winner's version, which it never saw at start.
    refused = next(o for o in outs if o[0] == "refused")
    assert refused[1] == "2"
    assert [i.version for i in store.versions()] == [1, 2]


_SAVER = textwrap.dedent(
    """
    import sys
    from floorplan.generate import generate_venue
    from floorplan.layout import LayoutEditor
    from floorplan.io.store import LayoutStore
    store = LayoutStore(sys.argv[1])
    ed = LayoutEditor(generate_venue(booths=3000))
    ids = list(ed.venue.booths["booth_id"])
    base = None
    for k in range(10_000):
        ed.move(ids[k % len(ids)], dx_m=0.0, dy_m=-0.001)
        base = store.save(ed.venue, message=f"loop {k}", base=base, author="loop")
        print("saved", base, flush=True)
    """
)


@pytest.mark.slow
def test_killed_mid_save_leaves_last_good_version(tmp_path: Path) -> None:
    path = tmp_path / "big.gpkg"
    journal = Path(str(path) + "-journal")
    proc = subprocess.Popen(
        [sys.executable, "-c", _SAVER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    saved: list[int] = []
    try:
        while len(saved) < 2:
            line = proc.stdout.readline()
            assert line, "the saver died before saving twice"
            saved.append(int(line.split()[1]))
        # Wait for the next save's transaction to be under way, then kill it.
        deadline = time.monotonic() + 60
        while not journal.exists() and time.monotonic() < deadline:
            time.sleep(0.001)
        assert journal.exists(), "never saw a save in progress"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        rest = proc.stdout.read()
    saved += [int(line.split()[1]) for line in rest.splitlines() if line.startswith("saved")]
    store = LayoutStore(path)
    versions = [i.version for i in store.versions()]
    assert versions == list(range(1, len(versions) + 1))
    assert versions[-1] in (saved[-1], saved[-1] + 1)
    last = store.load(versions[-1])
    assert len(last.booths) == store.info(versions[-1]).booths > 2000
    with sqlite3.connect(path) as db:
        (orphans,) = db.execute(
            "SELECT count(*) FROM booths WHERE fp_version > ?", (versions[-1],)
        ).fetchone()
    assert orphans == 0
    # And the store takes the next save on the last good version.
    ed = LayoutEditor(last)
    ed.move(str(last.booths["booth_id"].iloc[0]), dx_m=1, dy_m=0)
    assert store.save(ed.venue, message="after the crash", base=versions[-1]) == versions[-1] + 1


# ------------------------------------------------------------------ CLI


def _run(*argv: str) -> int:
    return main(list(argv))


def test_cli(tmp_path: Path, venue: floorplan.Venue, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.gpkg")
    src = str(tmp_path / "tiny")
    assert _run("layouts", "list", "--store", store) == 2
    assert "no layout store" in capsys.readouterr().err
    assert _run("layouts", "save", src, "-m", "import", "--store", store, "--author", "ann") == 0
    ed = LayoutEditor(venue)
    ed.move("H1-A02", dx_m=0, dy_m=-1)
    floorplan.write_venue(ed.venue, tmp_path / "moved")
    assert (
        _run(
            "layouts",
            "save",
            str(tmp_path / "moved"),
            "-m",
            "nudge",
            "--base",
            "1",
            "--store",
            store,
        )
        == 0
    )
    assert _run("layouts", "save", src, "-m", "stale", "--base", "1", "--store", store) == 1
    assert "version 2 was saved since" in capsys.readouterr().err
    capsys.readouterr()
    assert _run("layouts", "list", "--store", store, "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["message"] for v in listed["versions"]] == ["import", "nudge"]
    assert _run("layouts", "diff", "1", "2", "--store", store, "--json") == 0
    assert json.loads(capsys.readouterr().out)["moved"] == ["H1-A02"]
    assert _run("layouts", "diff", "1", "2", "--store", store) == 0
    assert "moved" in capsys.readouterr().out
    assert _run("layouts", "publish", "2", "--store", store) == 0
    assert "published v2" in capsys.readouterr().out
    assert _run("layouts", "show", "2", "--store", store, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["published"] is True
    assert shown["stats"]["booths"] == 3
    assert _run("layouts", "show", "2", "--store", store) == 0
    assert "3 booths" in capsys.readouterr().out
    out = tmp_path / "v2.gpkg"
    assert _run("layouts", "export", "2", str(out), "--store", store) == 0
    assert np.array_equal(_coords(floorplan.load_venue(out), "H1-A02"), _coords(ed.venue, "H1-A02"))
    assert _run("layouts", "export", "2", str(out), "--store", store) == 1
    assert "exists" in capsys.readouterr().err
    assert _run("layouts", "show", "9", "--store", store) == 2
    assert "has no version 9" in capsys.readouterr().err
    assert _run("layouts", "list", "--store", store) == 0
    assert "* published v2; no kiosk session open" in capsys.readouterr().out


def test_cli_help_runs() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["layouts", "--help"])
    assert exc.value.code == 0
    assert run_layouts.__doc__


# ------------------------------------------------ failures said clearly (issue 10)


def _saved_store(tmp_path: Path, venue: floorplan.Venue) -> Path:
    path = tmp_path / "s.gpkg"
    store = LayoutStore(path)
    store.save(venue, message="import", author="ann")
    store.publish(1)
    return path


def _all_actions(store: Path, src: Path, out: Path) -> list[list[str]]:
    common = ["--store", str(store)]
    return [
        ["layouts", "list", *common],
        ["layouts", "show", "1", *common],
        ["layouts", "diff", "1", "1", *common],
        ["layouts", "export", "1", str(out), *common],
        ["layouts", "publish", "1", *common],
        ["layouts", "save", str(src), "-m", "again", "--base", "1", *common],
    ]


def _store_path(tmp_path: Path, kind: str) -> Path:
    if kind == "a folder":
        (tmp_path / "s.gpkg").mkdir()
    elif kind == "not a database":
        (tmp_path / "s.gpkg").write_bytes(b"hello, not a database" * 50)
    else:  # the first kilobyte of a real store: a valid header, then nothing
        real = tmp_path / "real.gpkg"
        spec = write_spec(tiny_hall(), tmp_path / "src0")
        LayoutStore(real).save(floorplan.load_venue(spec), message="a", author="ann")
        (tmp_path / "s.gpkg").write_bytes(real.read_bytes()[:1024])
    return tmp_path / "s.gpkg"


@pytest.mark.parametrize("kind", ["a folder", "not a database", "cut short"])
def test_unreadable_store_is_a_clear_error(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _store_path(tmp_path, kind)
    src = write_spec(tiny_hall(), tmp_path / "src")
    for argv in _all_actions(store, src, tmp_path / "out.gpkg"):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "internal error" not in err
        assert f"layout store {store}" in err, err
        assert any(w in err for w in ("folder", "not a readable GeoPackage")), err
    assert not (tmp_path / "out.gpkg").exists()


DAMAGE = {
    "layers_json is not JSON": "UPDATE versions SET layers_json = 'not json'",
    "layers_json lacks a layer": "UPDATE versions SET layers_json = '{}'",
    "venue_json cut short": "UPDATE versions SET venue_json = '{\"name\": '",
    "a geometry blob of garbage": "UPDATE booths SET geom = X'47500003000000000011223344'",
    "a version number that is text": "UPDATE versions SET fp_version = 'abc'",
    "a published version that is text": "UPDATE publications SET fp_version = 'x1'",
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_hand_damaged_records_are_clear_errors(
    case: str, tmp_path: Path, venue: floorplan.Venue, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _saved_store(tmp_path, venue)
    with contextlib.closing(sqlite3.connect(store)) as db, db:
        db.execute(DAMAGE[case])
    src = write_spec(tiny_hall(), tmp_path / "src")
    refused = 0
    for argv in _all_actions(store, src, tmp_path / f"out{refused}.gpkg"):
        code = main(argv)
        err = capsys.readouterr().err
        assert code in (0, 2), (argv, err)  # never 3: an internal error
        if code == 2:
            refused += 1
            assert "damaged record" in err, err
            assert str(store) in err
            assert "restore it from a backup" in err
    assert refused >= 1  # each damage is met by some action


def test_serve_on_a_store_with_a_damaged_record_says_so(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    store = _saved_store(tmp_path, venue)
    with contextlib.closing(sqlite3.connect(store)) as db, db:
        db.execute(DAMAGE["layers_json is not JSON"])
    argv = ["serve", "--venue", str(tmp_path / "tiny"), "--store", str(store)]
    argv += ["--users", str(tmp_path / "users.json"), "--port", "1", "--address", "127.0.0.1"]
    done = subprocess.run(
        [sys.executable, "-m", "floorplan", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,  # a serve that did not fail would listen until killed
    )
    assert done.returncode == 2, done.stderr
    assert "damaged record" in done.stderr
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_full_disk_during_save_saves_nothing_and_says_so(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    store = _saved_store(tmp_path, venue)
    before = store.read_bytes()
    bigger = floorplan.write_venue(floorplan.load_venue(), tmp_path / "bundled.gpkg")
    argv = ["layouts", "save", str(bigger), "-m", "big", "--store", str(store), "--as-copy"]
    done = run_with_file_limit(argv, len(before), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"floorplan layouts save: layout store {store} cannot be written")
    assert "the disk is full" in done.stderr
    assert "nothing was saved" in done.stderr
    assert len(done.stderr) < 400, done.stderr  # no SQL dump
    assert [i.version for i in LayoutStore(store).versions()] == [1]
    assert not Path(f"{store}-journal").exists()
    with contextlib.closing(sqlite3.connect(store)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # With room again, the same save goes through.
    assert main(argv) == 0
    assert [i.version for i in LayoutStore(store).versions()] == [1, 2]


def test_a_full_disk_while_creating_the_store(tmp_path: Path) -> None:
    src = write_spec(tiny_hall(), tmp_path / "src")
    store = tmp_path / "new.gpkg"
    done = run_with_file_limit(
        ["layouts", "save", str(src), "-m", "first", "--store", str(store)], 20_000, cwd=tmp_path
    )
    assert done.returncode == 1, done.stderr
    assert f"layout store {store} cannot be created" in done.stderr
    assert len(done.stderr) < 400, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


def test_nan_coordinates_round_trip_the_store_without_warnings(tmp_path: Path) -> None:
    folder = write_spec(tiny_hall(), tmp_path / "nan")
    doc = json.loads((folder / "booths.geojson").read_text())
    doc["features"][1]["geometry"]["coordinates"][0][1] = [float("nan"), 4_440_008.0]
    (folder / "booths.geojson").write_text(json.dumps(doc))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = LayoutStore(tmp_path / "s.gpkg")
        store.save(floorplan.load_venue(folder, strict=False), message="nan", author="ann")
        back = store.load(1)
    assert [str(w.message) for w in caught] == []
    assert [(p.id, p.rule) for p in back.problems] == [("H1-A02", "nonfinite_coordinates")]


# --- which store: one per venue ------------------------------------------------------------
def _named(venue: floorplan.Venue, name: str) -> floorplan.Venue:
    venue.name = name  # the store keeps the name of the venue saved
    return venue


def test_each_venue_gets_its_own_store(
    tmp_path: Path, venue: floorplan.Venue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from floorplan.io.store import store_for_venue  # noqa: PLC0415

    monkeypatch.delenv("FLOORPLAN_STORE", raising=False)
    users = tmp_path / "cfg" / "users.json"
    first = store_for_venue("Chain Expo 2023", users)
    assert first.parent == tmp_path / "cfg" / "layouts"
    assert first.name.startswith("chain-expo-2023-")
    assert store_for_venue("Chain Expo 2023", users) == first  # stable
    assert store_for_venue("Chain-Expo 2023", users) != first  # names differ: stores differ
    assert store_for_venue("链博会", users).name.startswith("venue-")
    # The shared layouts.gpkg of older versions stays with the venue it holds.
    shared = LayoutStore(tmp_path / "cfg" / "layouts.gpkg")
    shared.save(_named(venue, "Chain Expo 2023"), message="first fair")
    assert store_for_venue("Chain Expo 2023", users) == shared.path
    assert store_for_venue("Another fair", users).parent.name == "layouts"
    monkeypatch.setenv("FLOORPLAN_STORE", str(tmp_path / "given.gpkg"))
    assert store_for_venue("Another fair", users) == tmp_path / "given.gpkg"


def test_layouts_finds_the_one_store_or_asks(
    tmp_path: Path, venue: floorplan.Venue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from floorplan.io.store import default_store_path, store_for_venue  # noqa: PLC0415

    monkeypatch.delenv("FLOORPLAN_STORE", raising=False)
    users = tmp_path / "users.json"
    assert default_store_path(users) == tmp_path / "layouts.gpkg"  # none yet
    one = LayoutStore(store_for_venue("Fair one", users))
    one.save(_named(venue, "Fair one"), message="one")
    assert default_store_path(users) == one.path
    two = LayoutStore(store_for_venue("Fair two", users))
    two.save(_named(venue, "Fair two"), message="two")
    with pytest.raises(StoreError, match="several venues") as err:
        default_store_path(users)
    assert "Fair one" in str(err.value)
    assert "Fair two" in str(err.value)
    assert "--store" in str(err.value)


# ------------------------------------------------------------------ the publish gate


def _kiosk_in_booth(venue: floorplan.Venue) -> floorplan.Venue:
    """The venue with booth H1-A01 dragged over kiosk K1 (3, 14): it cannot be served."""
    ed = LayoutEditor(venue)
    ed.move("H1-A01", dx_m=-6.0, dy_m=3.0)  # 8..14 x 8..14 -> 2..8 x 11..17
    return ed.venue


def _beside_the_door(venue: floorplan.Venue) -> floorplan.Venue:
    """The venue with a booth 1.4 m beside entrance H1-D1, off its strip: a warning."""
    ed = LayoutEditor(venue)
    ed.add("H1-W", shapely.box(OX + 1, OY + 17, OX + 5, OY + 21), hall_id="H1", zone="energy")
    return ed.venue


@pytest.mark.parametrize("gate", ["format", "all"])
def test_a_version_with_an_error_is_never_published(
    tmp_path: Path, venue: floorplan.Venue, gate: str
) -> None:
    """The issue's reproduction: the kiosk-in-booth layout; the published version stays."""
    store = LayoutStore(tmp_path / "s.gpkg", gate=PublishGate() if gate == "all" else None)
    v1 = store.save(venue, message="clean")
    store.publish(v1)
    v2 = store.save(_kiosk_in_booth(venue), message="over the kiosk", base=v1)
    with pytest.raises(PublishRefusedError, match="version 2 is not published: it breaks") as e:
        store.publish(v2, acknowledge=True)  # no acknowledgement lets an error through
    found = {(str(p.rule), p.id) for p in e.value.problems}
    # The booth over the kiosk stands in front of the entrance too: the floor and the code
    # see that; the format alone sees the kiosk.
    assert found == (
        {("kiosk_blocked", "K1")}
        if gate == "format"
        else {("kiosk_blocked", "K1"), ("exit_blocked", "H1-A01"), ("exit_width", "H1")}
    )
    assert "error: [kiosks/K1] kiosk_blocked" in str(e.value)
    assert store.published_version() == v1
    assert [p.version for p in store.publications()] == [v1]
    assert store.info(v2).published_at is None


def test_warnings_need_an_acknowledgement_stored_with_the_publish(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    store = LayoutStore(tmp_path / "s.gpkg", gate=PublishGate())
    v1 = store.save(venue, message="clean")
    v2 = store.save(_beside_the_door(venue), message="near the door", base=v1)
    with pytest.raises(PublishRefusedError, match="1 warning to acknowledge") as e:
        store.publish(v2, author="ann")
    assert e.value.needs_acknowledgement
    assert [(p.rule, p.ids) for p in e.value.problems] == [
        (RuleCode.DOOR_KEEP_CLEAR, ("H1-W", "H1-D1"))
    ]
    assert store.published_version() is None
    # Acknowledging other warnings (a stale list) is no acknowledgement of these.
    with pytest.raises(PublishRefusedError, match="to acknowledge"):
        store.publish(v2, acknowledge=[])
    pub = store.publish(v2, author="ann", acknowledge=e.value.problems)
    assert (pub.version, pub.author, pub.gate) == (
        v2,
        "ann",
        "all rules (gb50016, not sprinklered)",
    )
    assert [a["rule"] for a in pub.acknowledged] == ["door_keep_clear"]
    assert store.publications() == [pub]
    assert store.published_version() == v2
    assert pub.published_at == store.info(v2).published_at


def test_a_version_the_server_cannot_build_is_never_published(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    store = LayoutStore(tmp_path / "s.gpkg", gate=PublishGate())
    v1 = store.save(venue, message="a")
    store.publish(v1)
    v2 = store.save(venue, message="b", base=v1)
    seen: list[tuple[str, int]] = []

    def prepare(v: floorplan.Venue, version: int) -> None:
        seen.append((v.name, version))
        msg = "router ran out of memory"
        raise MemoryError(msg)

    with pytest.raises(PublishRefusedError, match=r"could not build it for the kiosks \(Memory"):
        store.publish(v2, prepare=prepare)
    assert seen == [("Tiny hall", v2)]
    assert store.published_version() == v1
    assert len(store.publications()) == 1
    built: list[int] = []
    store.publish(v2, prepare=lambda _v, version: built.append(version))
    assert (built, store.published_version()) == ([v2], v2)


def test_rollback_is_publishing_the_version_before(tmp_path: Path, venue: floorplan.Venue) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    assert store.previous_published() is None
    v1 = store.save(venue, message="a")
    v2 = store.save(venue, message="b", base=v1)
    store.publish(v1)
    assert store.previous_published() is None
    store.publish(v2)
    store.publish(v2)  # published again: still v1 before it
    assert store.previous_published() == v1
    store.publish(v1)
    assert (store.published_version(), store.previous_published()) == (v1, v2)


def test_kiosk_heartbeats_say_which_version_each_session_shows(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    store.heartbeat("early", {None: 3})  # before the first save: no store is made for it
    assert not store.path.exists()
    assert store.kiosk_sessions() == {}
    v1 = store.save(venue, message="a")
    store.publish(store.save(venue, message="b", base=v1))
    assert store.kiosk_status().text() == "published v2; no kiosk session open"
    store.heartbeat("host:1:a", {2: 10, 1: 2})
    store.heartbeat("host:2:b", {2: 4, None: 0})
    assert store.kiosk_sessions() == {2: 14, 1: 2}
    assert store.kiosk_status().text() == "published v2; 14 of 16 kiosk sessions on v2, 2 on v1"
    store.heartbeat("host:1:a", {2: 12})  # the next beat replaces the last
    assert store.kiosk_status().text() == "published v2; all 16 kiosk sessions on v2"
    # A server that stopped beating counts for nothing once its beat is old.
    with sqlite3.connect(store.path) as db:
        db.execute(
            "UPDATE kiosk_heartbeats SET seen_at = '2000-01-01T00:00:00.000+00:00' "
            "WHERE process = 'host:2:b'"
        )
    assert store.kiosk_sessions() == {2: 12}
    store.end_heartbeat("host:1:a")
    assert store.kiosk_sessions() == {}


def test_an_older_store_gains_the_new_tables_on_its_next_write(
    tmp_path: Path, venue: floorplan.Venue
) -> None:
    store = LayoutStore(tmp_path / "s.gpkg")
    store.publish(store.save(venue, message="a"))
    with sqlite3.connect(store.path) as db:  # as a store written before the gate was
        db.execute("ALTER TABLE publications DROP COLUMN gate")
        db.execute("ALTER TABLE publications DROP COLUMN acknowledged_json")
        db.execute("DROP TABLE kiosk_heartbeats")
        db.execute("DELETE FROM gpkg_contents WHERE table_name = 'kiosk_heartbeats'")
    assert [(p.version, p.gate, p.acknowledged) for p in store.publications()] == [(1, "", ())]
    assert store.kiosk_sessions() == {}
    store.heartbeat("p", {1: 3})
    assert store.publish(1).gate == "format rules"
    assert store.kiosk_sessions() == {1: 3}
    # Still a GeoPackage GDAL reads: the new table is registered.
    import pyogrio  # noqa: PLC0415

    assert "kiosk_heartbeats" in {name for name, _ in pyogrio.list_layers(store.path)}


def test_cli_publish_gate_acknowledge_and_rollback(
    tmp_path: Path, venue: floorplan.Venue, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s.gpkg")
    floorplan.write_venue(venue, tmp_path / "v1")
    floorplan.write_venue(_kiosk_in_booth(venue), tmp_path / "v2")
    floorplan.write_venue(_beside_the_door(venue), tmp_path / "v3")
    for i, base in ((1, None), (2, 1), (3, 2)):
        extra = [] if base is None else ["--base", str(base)]
        assert (
            main(
                [
                    "layouts",
                    "save",
                    str(tmp_path / f"v{i}"),
                    "-m",
                    f"v{i}",
                    "--store",
                    store,
                    *extra,
                ]
            )
            == 0
        )
    assert main(["layouts", "publish", "1", "--store", store]) == 0
    assert (
        "published v1 (checked against all rules (gb50016, not sprinklered))"
        in capsys.readouterr().out
    )
    assert main(["layouts", "publish", "2", "--store", store]) == 1
    err = capsys.readouterr().err
    assert "version 2 is not published: it breaks 3 rules that block publishing" in err
    assert "kiosk_blocked" in err
    assert "Traceback" not in err
    assert main(["layouts", "publish", "3", "--store", store]) == 1
    assert "floorplan layouts publish 3 --acknowledge" in capsys.readouterr().err
    assert (
        main(["layouts", "publish", "3", "--acknowledge", "--author", "kim", "--store", store]) == 0
    )
    assert "acknowledged 1 warning(s)" in capsys.readouterr().out
    assert main(["layouts", "list", "--store", store, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["published"] == 3
    last = doc["publications"][-1]
    assert (last["version"], last["author"]) == (3, "kim")
    assert [a["rule"] for a in last["acknowledged"]] == ["door_keep_clear"]
    assert main(["layouts", "publish", "1", "--store", store]) == 0  # roll back
    assert "rolled back to v1" in capsys.readouterr().out
    assert main(["layouts", "list", "--store", store]) == 0
    assert "* published v1; no kiosk session open" in capsys.readouterr().out
