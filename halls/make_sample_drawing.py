"""Draw a sample exhibition hall as a venue's architect would, with ezdxf, as a DXF.

Run from the repository root:

    python halls/make_sample_drawing.py            # halls/sample-hall.dxf
    python halls/make_sample_drawing.py big.dxf --booths 2000 --halls 4 --detail

What it draws, in millimetres ($INSUNITS 4), on layers named in Chinese and English:

- walls (墙 WALL) as double lines 300 mm apart with jambs at every door gap;
- doors (门 DOOR) as one unit door block (leaf + swing arc) scaled to each opening, and
  emergency exits (安全出口 EXIT) as the same block mirrored to swing outwards;
- columns (柱 COLUMN) as a block of a 600 mm square with a hatch, on a 15 m × 10 m grid;
- booths (展位 BOOTH) as closed polylines in islands of 2 × 4, their numbers as MTEXT with
  formatting codes (展位号 BOOTH-NO), some exhibitors' names as TEXT (展商 EXHIBITOR), sold
  booths hatched (展位填充 BOOTH-HATCH), one island booth as a block with attributes, and
  one booth drawn as four loose lines with 1 cm gaps at its corners;
- a stage (舞台 STAGE), the column grid (轴线 AXIS), and a title block (图框 TITLE) beside
  the hall. ``--detail`` adds furniture (家具 FURNITURE) to every booth, as real plans have,
  which the import skips.

Every hall's 0,0 is the inner corner of its south-west wall.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

import ezdxf
from ezdxf.document import Drawing
from ezdxf.enums import TextEntityAlignment
from ezdxf.layouts import BlockLayout, Modelspace

OUT = Path(__file__).resolve().parent / "sample-hall.dxf"

WALL, DOOR, EXIT = "墙 WALL", "门 DOOR", "安全出口 EXIT"
COLUMN, BOOTH, NUMBER = "柱 COLUMN", "展位 BOOTH", "展位号 BOOTH-NO"
EXHIBITOR, HATCH, STAGE = "展商 EXHIBITOR", "展位填充 BOOTH-HATCH", "舞台 STAGE"
AXIS, TITLE, FURNITURE = "轴线 AXIS", "图框 TITLE", "家具 FURNITURE"
HALL_NAME = "展厅名 HALL-NAME"
LAYERS = {
    WALL: 7,
    DOOR: 2,
    EXIT: 1,
    COLUMN: 4,
    BOOTH: 3,
    NUMBER: 3,
    EXHIBITOR: 8,
    HATCH: 9,
    STAGE: 6,
    AXIS: 1,
    TITLE: 7,
    FURNITURE: 8,
    HALL_NAME: 7,
}

T = 300  # wall thickness
BOOTH_W, BOOTH_D = 3000, 3000
ISLAND_COLS, ISLAND_ROWS = 4, 2
AISLE_X, AISLE_Y = 3000, 4000
MARGIN_X, MARGIN_Y = 4000, 5000
TOP_SPACE = 12000  # north of the last island: the stage and the forum area
EXHIBITORS = [
    "Sunrise Photovoltaic",
    "北京智行汽车科技",
    "Green Valley Seeds",
    "数链物流",
    "Harbour Robotics",
    "华康医疗器械",
    "Qinghe Battery Co.",
    "云图数字科技",
]


def _blocks(doc: Drawing) -> None:
    door = doc.blocks.new("M1000")  # a 1 m unit door, hinge at 0,0, closing along +x
    door.add_line((0, 0), (0, 1000))
    door.add_arc((0, 0), 1000, 0, 90)
    col = doc.blocks.new("COL600")
    col.add_lwpolyline([(-300, -300), (300, -300), (300, 300), (-300, 300)], close=True)
    hatch = col.add_hatch(color=4)
    hatch.paths.add_polyline_path([(-300, -300), (300, -300), (300, 300), (-300, 300)])
    island: BlockLayout = doc.blocks.new("BOOTH_ISLAND_6x6")
    island.add_lwpolyline([(0, 0), (6000, 0), (6000, 6000), (0, 6000)], close=True)
    island.add_attdef("BOOTH_NO", (3000, 3200), dxfattribs={"height": 400})
    island.add_attdef("EXHIBITOR", (3000, 2400), dxfattribs={"height": 300})


def _layout(n: int) -> tuple[int, int]:
    """Return island columns and rows holding ``n`` booths in a hall about 1.6 × as wide."""
    islands = math.ceil(n / (ISLAND_COLS * ISLAND_ROWS))
    cols = max(1, math.ceil(math.sqrt(islands * 1.6)))
    return cols, math.ceil(islands / cols)


def _walls(msp: Modelspace, w: int, h: int, gaps: list[tuple[str, int, int]]) -> None:
    """Draw the walls as inner and outer lines, broken at ``gaps`` (side, start, width)."""
    sides = {
        "S": ((0, 0), (1, 0), w),
        "E": ((w, 0), (0, 1), h),
        "N": ((w, h), (-1, 0), w),
        "W": ((0, h), (0, -1), h),
    }
    for side, ((x0, y0), (dx, dy), length) in sides.items():
        cuts = sorted((s, s + wd) for sd, s, wd in gaps if sd == side)
        nx, ny = dy, -dx  # the outward normal
        # The outer line runs T longer at each end to meet the neighbouring walls.
        marks = [(-T, -T), *cuts, (length + T, length + T)]
        for (_, a_end), (b_start, _) in itertools.pairwise(marks):
            inner_a, inner_b = max(a_end, 0), min(b_start, length)
            msp.add_line(
                (x0 + dx * inner_a, y0 + dy * inner_a),
                (x0 + dx * inner_b, y0 + dy * inner_b),
                dxfattribs={"layer": WALL},
            )
            msp.add_line(
                (x0 + dx * a_end + nx * T, y0 + dy * a_end + ny * T),
                (x0 + dx * b_start + nx * T, y0 + dy * b_start + ny * T),
                dxfattribs={"layer": WALL},
            )
        for a, b in cuts:
            for s in (a, b):  # jambs
                msp.add_line(
                    (x0 + dx * s, y0 + dy * s),
                    (x0 + dx * s + nx * T, y0 + dy * s + ny * T),
                    dxfattribs={"layer": WALL},
                )


def _door(msp: Modelspace, side: str, *, start: int, width: int, w: int, h: int, out: bool) -> None:
    """Insert the unit door scaled to ``width`` in a gap; exits swing out (mirrored)."""
    at = {"S": (start, 0), "E": (w, start), "N": (w - start, h), "W": (0, h - start)}[side]
    rotation = {"S": 0, "E": 90, "N": 180, "W": 270}[side]
    s = width / 1000
    # Mirroring the y axis swings the leaf outside the hall, as fire exits open.
    yscale = -s if out else s
    if out:
        ox, oy = {"S": (0, -T), "E": (T, 0), "N": (0, T), "W": (-T, 0)}[side]
        at = (at[0] + ox, at[1] + oy)
    msp.add_blockref(
        "M1000",
        at,
        dxfattribs={
            "layer": EXIT if out else DOOR,
            "xscale": s,
            "yscale": yscale,
            "rotation": rotation,
        },
    )


def _booth_number(msp: Modelspace, text: str, x: float, y: float) -> None:
    mtext = msp.add_mtext(
        rf"{{\fSimHei|b1|i0|c134;\C3;{text}}}", dxfattribs={"layer": NUMBER, "char_height": 350}
    )
    mtext.set_location((x, y), attachment_point=5)


def _furniture(msp: Modelspace, x: int, y: int) -> None:
    """Draw a counter, a table, chairs and a storage room: what the import must skip."""
    f = {"layer": FURNITURE}
    msp.add_lwpolyline(
        [(x + 200, y + 200), (x + 1400, y + 200), (x + 1400, y + 700), (x + 200, y + 700)],
        close=True,
        dxfattribs=f,
    )
    msp.add_circle((x + 2100, y + 1800), 450, dxfattribs=f)
    for k in range(4):
        a = math.radians(45 + 90 * k)
        msp.add_circle(
            (x + 2100 + 700 * math.cos(a), y + 1800 + 700 * math.sin(a)), 180, dxfattribs=f
        )
    for k in range(8):  # shelving
        msp.add_line((x + 200 + 150 * k, y + 2500), (x + 200 + 150 * k, y + 2800), dxfattribs=f)
    for k in range(13):  # a brochure rack
        msp.add_line((x + 2500, y + 300 + 75 * k), (x + 2800, y + 300 + 75 * k), dxfattribs=f)


def _booths(msp: Modelspace, cols: int, rows: int, n: int, *, prefix: str, detail: bool) -> int:
    """Draw up to ``n`` booths in island rows; return how many were drawn."""
    drawn = 0
    for r in range(rows):
        letter = chr(ord("A") + r % 26) + ("" if r < 26 else str(r // 26))
        number = 0
        for c in range(cols):
            ix = MARGIN_X + c * (ISLAND_COLS * BOOTH_W + AISLE_X)
            iy = MARGIN_Y + r * (ISLAND_ROWS * BOOTH_D + AISLE_Y)
            if r == 0 and c == 1 and n - drawn >= 4:
                msp.add_blockref(
                    "BOOTH_ISLAND_6x6", (ix, iy), dxfattribs={"layer": BOOTH}
                ).add_auto_attribs(
                    {"BOOTH_NO": f"{prefix}{letter}-ISL", "EXHIBITOR": "Island Pavilion 岛型展台"}
                )
                for k in range(2):
                    x = ix + 6000 + k * BOOTH_W
                    for j in range(2):
                        number += 1
                        drawn += 1
                        _booth(
                            msp,
                            x,
                            iy + j * BOOTH_D,
                            f"{prefix}{letter}{number:02d}",
                            drawn,
                            detail=detail,
                            loose=False,
                        )
                drawn += 1
                continue
            for k in range(ISLAND_COLS):
                for j in range(ISLAND_ROWS):
                    if drawn >= n:
                        return drawn
                    number += 1
                    drawn += 1
                    x, y = ix + k * BOOTH_W, iy + j * BOOTH_D
                    loose = r == 0 and c == 0 and k == 0 and j == 0
                    _booth(
                        msp,
                        x,
                        y,
                        f"{prefix}{letter}{number:02d}",
                        drawn,
                        detail=detail,
                        loose=loose,
                    )
    return drawn


def _booth(
    msp: Modelspace, x: int, y: int, number: str, k: int, *, detail: bool, loose: bool
) -> None:
    corners = [(x, y), (x + BOOTH_W, y), (x + BOOTH_W, y + BOOTH_D), (x, y + BOOTH_D)]
    if loose:
        # Four loose lines, each stopping 10 mm short of the next corner.
        for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
            ux, uy = (bx - ax) / BOOTH_W, (by - ay) / BOOTH_D
            msp.add_line((ax, ay), (bx - 10 * ux, by - 10 * uy), dxfattribs={"layer": BOOTH})
    else:
        msp.add_lwpolyline(corners, close=True, dxfattribs={"layer": BOOTH})
    _booth_number(msp, number, x + BOOTH_W / 2, y + BOOTH_D / 2 + 300)
    if k % 3 == 0:
        hatch = msp.add_hatch(color=9, dxfattribs={"layer": HATCH})
        hatch.paths.add_polyline_path(corners)
    if k % 4 == 0:
        msp.add_text(
            EXHIBITORS[(k // 4) % len(EXHIBITORS)],
            height=200,
            dxfattribs={"layer": EXHIBITOR},
        ).set_placement((x + BOOTH_W / 2, y + 900), align=TextEntityAlignment.MIDDLE_CENTER)
    if detail:
        _furniture(msp, x, y)


def _hall(msp: Modelspace, hall: int, n: int, ox: int, *, detail: bool) -> tuple[int, int, int]:
    """Draw hall ``hall`` with ``n`` booths, its south-west inner corner at ``ox, 0``."""
    cols, rows = _layout(n)
    w = 2 * MARGIN_X + cols * ISLAND_COLS * BOOTH_W + (cols - 1) * AISLE_X
    h = MARGIN_Y + rows * ISLAND_ROWS * BOOTH_D + (rows - 1) * AISLE_Y + TOP_SPACE
    gaps = [
        ("S", w // 2 - 2000, 4000),
        ("E", h // 2 - 1000, 2000),
        ("W", 6000, 5000),
        ("N", 8000, 1500),
        ("N", w - 9500, 1500),
    ]
    first = len(msp)
    layout = msp
    _walls(layout, w, h, gaps)
    for side, start, width in gaps:
        out = side == "N"
        if side == "S":  # a double door: two leaves of half the width, hinged at the jambs
            _door(layout, "S", start=start, width=width // 2, w=w, h=h, out=False)
            layout.add_blockref(
                "M1000",
                (start + width, 0),
                dxfattribs={"layer": DOOR, "xscale": -width / 2000, "yscale": width / 2000},
            )
            continue
        _door(layout, side, start=start, width=width, w=w, h=h, out=out)
    for c in range(1, cols):
        for r in range(1, rows):
            x = MARGIN_X + c * (ISLAND_COLS * BOOTH_W + AISLE_X) - AISLE_X // 2
            y = MARGIN_Y + r * (ISLAND_ROWS * BOOTH_D + AISLE_Y) - AISLE_Y // 2
            layout.add_blockref("COL600", (x, y), dxfattribs={"layer": COLUMN})
            layout.add_line((x, -2000), (x, h + 2000), dxfattribs={"layer": AXIS})
    top = h - TOP_SPACE + AISLE_Y
    layout.add_lwpolyline(
        [
            (w / 2 - 6000, top + 3000),
            (w / 2 + 6000, top + 3000),
            (w / 2 + 6000, h - 1000),
            (w / 2 - 6000, h - 1000),
        ],
        close=True,
        dxfattribs={"layer": STAGE},
    )
    label = layout.add_mtext(
        rf"{hall}号馆\PHALL {hall}", dxfattribs={"layer": HALL_NAME, "char_height": 1200}
    )
    label.set_location((w / 2, top + 1500), attachment_point=5)
    drawn = _booths(layout, cols, rows, n, prefix=f"{hall}", detail=detail)
    if ox:  # drawn at 0,0; move the hall east of the one before
        for entity in list(msp)[first:]:
            entity.translate(ox, 0, 0)
    return w, h, drawn


def _title_block(msp: Modelspace, x: int, y: int, booths: int) -> None:
    t = {"layer": TITLE}
    msp.add_lwpolyline(
        [(x, y), (x + 42000, y), (x + 42000, y + 29700), (x, y + 29700)], close=True, dxfattribs=t
    )
    msp.add_lwpolyline(
        [(x + 22000, y), (x + 42000, y), (x + 42000, y + 8000), (x + 22000, y + 8000)],
        close=True,
        dxfattribs=t,
    )
    for k, line in enumerate(
        [
            "某国际展览中心 展位平面图",
            "Sample Exhibition Centre — booth plan",
            f"比例 Scale 1:500   展位 Booths {booths}",
            "图号 DWG No. EXPO-A-101   2024-05",
        ]
    ):
        msp.add_text(line, height=700, dxfattribs=t).set_placement((x + 22800, y + 6500 - k * 1700))


def build(booths: int = 190, halls: int = 1, *, detail: bool = False) -> Drawing:
    """Return the drawing of ``halls`` halls sharing ``booths`` booths."""
    doc = ezdxf.new("R2018", setup=True, units=4)
    doc.header["$INSUNITS"] = 4
    for name, colour in LAYERS.items():
        doc.layers.add(name, color=colour)
    _blocks(doc)
    msp = doc.modelspace()
    ox, per_hall, left = 0, math.ceil(booths / halls), booths
    for hall in range(1, halls + 1):
        w, _, drawn = _hall(msp, hall, min(per_hall, left), ox, detail=detail)
        left -= drawn
        ox += w + 2 * T + 30000
    _title_block(msp, ox, 0, booths - left)
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out", nargs="?", default=str(OUT), help=f"the .dxf to write (default {OUT})")
    ap.add_argument("--booths", type=int, default=190, help="booths in all (default 190)")
    ap.add_argument("--halls", type=int, default=1, help="halls side by side (default 1)")
    ap.add_argument("--detail", action="store_true", help="draw furniture in every booth")
    args = ap.parse_args(argv)
    doc = build(args.booths, args.halls, detail=args.detail)
    out = Path(args.out)
    tmp = out.with_name(f".{out.name}.tmp")
    doc.saveas(tmp)
    tmp.replace(out)
    print(f"wrote {out}: {len(doc.modelspace())} entities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
