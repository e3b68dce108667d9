"""Draw a venue as a PNG (the README's picture of the bundled Chain Expo).

matplotlib is a dev-time tool, not a dependency of floorplan; install it first:

    python -m pip install matplotlib

Run from the repository root:

    python halls/render_png.py                       # bundled venue -> assets/chain-expo.png
    python halls/render_png.py --booths 5000 -o /tmp/expo.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from floorplan.generate import BUNDLED_BOOTHS, BUNDLED_SEED, generate_venue
from floorplan.schema import Col, HallKind, OpeningKind, Zone
from floorplan.venue import Venue

ROOT = Path(__file__).resolve().parent.parent
ZONE_COLOURS = {
    Zone.AUTOMOBILE: "#4e79a7",
    Zone.AGRICULTURE: "#59a14f",
    Zone.ENERGY: "#f2b93b",
    Zone.DIGITAL: "#b07aa1",
    Zone.HEALTH: "#e15759",
    Zone.SERVICES: "#76b7b2",
}
STAGE_ALPHA = {"upstream": 0.55, "midstream": 0.75, "downstream": 0.95, "": 0.8}
DOOR_COLOURS = {
    OpeningKind.ENTRANCE: "#1a9850",
    OpeningKind.EXIT: "#1a9850",
    OpeningKind.EMERGENCY_EXIT: "#d73027",
    OpeningKind.CONNECTION: "#2166ac",
}
AMENITY_MARKERS = {
    "restroom": ("s", "#3b3b98"),
    "info": ("D", "#0a7d8c"),
    "first_aid": ("P", "#c0392b"),
    "cafe": ("o", "#8e5b2f"),
    "stage": ("*", "#6c3483"),
    "meeting_room": ("h", "#555555"),
    "prayer_room": ("v", "#7f8c8d"),
    "cloakroom": ("^", "#7f8c8d"),
}


def render(venue: Venue, out: Path, *, dpi: int = 150) -> None:
    """Draw ``venue`` to ``out``: halls, booths by zone, obstacles, doors, kiosks, amenities."""
    minx, miny, maxx, maxy = venue.halls.total_bounds
    aspect = (maxy - miny) / (maxx - minx)
    fig, ax = plt.subplots(figsize=(14, max(4.0, 14 * aspect) + 1.2))
    halls = venue.halls
    is_hall = halls[Col.KIND] == HallKind.HALL.value
    halls[is_hall].plot(ax=ax, facecolor="#f4f1ea", edgecolor="#333333", linewidth=1.2)
    halls[~is_hall].plot(ax=ax, facecolor="#e4e8ee", edgecolor="#333333", linewidth=1.2)
    booths = venue.booths
    for zone, colour in ZONE_COLOURS.items():
        part = booths[booths[Col.ZONE] == zone.value]
        for stage, alpha in STAGE_ALPHA.items():
            sub = part[part.get("chain_stage", "") == stage] if "chain_stage" in part else part
            if len(sub):
                sub.plot(ax=ax, facecolor=colour, edgecolor="white", linewidth=0.3, alpha=alpha)
    unsold = booths[booths[Col.EXHIBITOR] == ""]
    if len(unsold):
        unsold.plot(ax=ax, facecolor="white", edgecolor="#999999", linewidth=0.4, hatch="///")
    obstacles = venue.obstacles
    if len(obstacles):
        obstacles.plot(ax=ax, facecolor="#222222", edgecolor="none")
    for kind, colour in DOOR_COLOURS.items():
        doors = venue.openings[venue.openings[Col.KIND] == kind.value]
        if len(doors):
            doors.plot(ax=ax, color=colour, linewidth=3.2, capstyle="butt")
    for kind, (marker, colour) in AMENITY_MARKERS.items():
        pts = venue.amenities[venue.amenities[Col.KIND] == kind]
        if len(pts):
            ax.scatter(pts.geometry.x, pts.geometry.y, marker=marker, s=28, c=colour, zorder=5,
                       edgecolors="white", linewidths=0.5)  # fmt: skip
    k = venue.kiosks
    ax.scatter(k.geometry.x, k.geometry.y, marker="o", s=22, c="#ff7f0e", zorder=6,
               edgecolors="black", linewidths=0.6)  # fmt: skip
    if len(halls) <= 40:
        for hid, geom in zip(halls[Col.HALL_ID], halls.geometry, strict=True):
            p = geom.representative_point() if hid.endswith("C") else geom.centroid
            ax.annotate(hid, (p.x, p.y), ha="center", va="center", fontsize=11, weight="bold",
                        color="#111111", alpha=0.55, zorder=7)  # fmt: skip
    legend = [Patch(facecolor=c, label=z.value) for z, c in ZONE_COLOURS.items()]
    legend += [
        Patch(facecolor="white", edgecolor="#999999", hatch="///", label="unsold"),
        Patch(facecolor="#222222", label="column / stage / shaft"),
        Line2D([], [], color=DOOR_COLOURS[OpeningKind.ENTRANCE], lw=3, label="entrance"),
        Line2D([], [], color=DOOR_COLOURS[OpeningKind.CONNECTION], lw=3, label="connection"),
        Line2D(
            [], [], color=DOOR_COLOURS[OpeningKind.EMERGENCY_EXIT], lw=3, label="emergency exit"
        ),
        Line2D([], [], marker="o", ls="", color="#ff7f0e", mec="black", label="kiosk"),
    ]
    legend += [
        Line2D([], [], marker=m, ls="", color=c, label=kind.replace("_", " "))
        for kind, (m, c) in AMENITY_MARKERS.items()
    ]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=8,
              fontsize=8, frameon=False)  # fmt: skip
    hall_m2 = float(halls[is_hall].area.sum())
    ax.set_title(
        f"{venue.name}: {len(booths)} booths, {hall_m2:,.0f} m² of halls "
        f"(shade: upstream → downstream)",
        fontsize=12,
    )
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booths", type=int, default=BUNDLED_BOOTHS)
    parser.add_argument("--halls", type=int, default=None)
    parser.add_argument("--seed", type=int, default=BUNDLED_SEED)
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "assets" / "chain-expo.png")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)
    venue = generate_venue(booths=args.booths, halls=args.halls, seed=args.seed)
    render(venue, args.out, dpi=args.dpi)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
