"""``floorplan print``: plans and escape plans from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from floorplan.cli import main
from floorplan.render import fonts

from conftest import tiny_hall, two_halls, write_spec


def test_print_a_hall_and_the_escape_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    venue = write_spec(two_halls(), tmp_path / "v")
    out = tmp_path / "a.pdf"
    assert main(["print", "--venue", str(venue), str(out), "--hall", "A", "--paper", "a4"]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert f"wrote {out}" in capsys.readouterr().out
    png = tmp_path / "escape.png"
    args = ["print", "--venue", str(venue), str(png), "--escape-plan", "all", "--lang", "en"]
    assert main(args) == 0
    assert sorted(p.name for p in tmp_path.glob("escape-*.png")) == [
        "escape-KA.png",
        "escape-KB.png",
    ]


def test_print_refuses_what_it_cannot_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    venue = write_spec(tiny_hall(), tmp_path / "v")
    out = tmp_path / "x.pdf"
    out.write_text("mine")
    assert main(["print", "--venue", str(venue), str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out} already exists" in err
    assert "pass --force to replace it" in err
    assert out.read_text() == "mine"
    assert main(["print", "--venue", str(venue), str(tmp_path / "y.pdf"), "--hall", "Z"]) == 2
    assert "unknown hall 'Z'; halls: H1" in capsys.readouterr().err
    assert (
        main(["print", "--venue", str(venue), str(tmp_path / "y.pdf"), "--escape-plan", "K9"]) == 2
    )
    assert "unknown kiosk 'K9'" in capsys.readouterr().err
    assert main(["print", "--venue", str(venue), str(tmp_path / "y.tiff")]) == 2
    with pytest.raises(SystemExit) as info:
        main(["print", str(tmp_path / "y.pdf"), "--hall", "H1", "--all"])
    assert info.value.code == 2
    assert not (tmp_path / "y.pdf").exists()


def test_no_cjk_font_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bogus = tmp_path / "none.ttf"
    bogus.write_bytes(b"")
    monkeypatch.setenv(fonts.CJK_FONT_ENV, str(bogus))
    fonts.find_cjk_font.cache_clear()
    try:
        venue = write_spec(tiny_hall(), tmp_path / "v")
        assert main(["print", "--venue", str(venue), str(tmp_path / "z.pdf"), "--lang", "zh"]) == 1
        err = capsys.readouterr().err
        assert "not a font file with Chinese glyphs" in err
        assert "Traceback" not in err
        assert not (tmp_path / "z.pdf").exists()
    finally:
        fonts.find_cjk_font.cache_clear()
