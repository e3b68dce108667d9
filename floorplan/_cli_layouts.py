"""Run ``floorplan layouts``: list, show, diff, publish, export and save layout versions."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Final

__all__ = ["add_layouts_parser", "run_layouts"]

#: The layout store used when ``--store`` is not given.
_OK: Final = 0
_REFUSED: Final = 1  # a stale base, an existing target: nothing was written
_BAD_INPUT: Final = 2  # no such version, not a store, unreadable venue


def add_layouts_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``layouts`` command and its subcommands to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "layouts",
        help="list, compare, publish and export saved floor layouts",
        description="Work with a layout store: a GeoPackage of immutable layout versions "
        "saved by the planner. Exit 0 on success, 1 when a save or export is refused "
        "(nothing is written), 2 for an unknown version or an unreadable store or venue.",
    )
    sub = parser.add_subparsers(dest="layouts_command", required=True, metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--store",
            metavar="PATH",
            default=None,
            help="the layout store (default: $FLOORPLAN_STORE, else layouts.gpkg beside "
            "the user file, as floorplan serve uses)",
        )
        p.add_argument("--json", action="store_true", help="print JSON on stdout")

    p = sub.add_parser("list", help="list the versions, oldest first")
    common(p)
    p = sub.add_parser("show", help="show one version: who saved it, booths, areas, problems")
    p.add_argument("version", type=int, metavar="V")
    common(p)
    p = sub.add_parser("diff", help="booths added, removed, moved, resized, reassigned")
    p.add_argument("a", type=int, metavar="A")
    p.add_argument("b", type=int, metavar="B")
    common(p)
    p = sub.add_parser("publish", help="make version V the layout the kiosks show")
    p.add_argument("version", type=int, metavar="V")
    common(p)
    p = sub.add_parser("export", help="write version V as a .gpkg file or a GeoJSON folder")
    p.add_argument("version", type=int, metavar="V")
    p.add_argument("dst", metavar="DST", help="target .gpkg file or folder")
    p.add_argument("--force", action="store_true", help="replace DST if it exists")
    common(p)
    p = sub.add_parser("save", help="save a venue (folder or .gpkg) as a new version")
    p.add_argument("src", metavar="SRC", help="the venue to save")
    p.add_argument("-m", "--message", required=True, help="what changed")
    p.add_argument(
        "--base",
        type=int,
        default=None,
        help="the version SRC was made from; refused unless it is still the latest",
    )
    p.add_argument("--as-copy", action="store_true", help="save even if BASE is not the latest")
    p.add_argument("--author", default=None, help="who saves (default: your user name)")
    common(p)
    parser.set_defaults(handler=run_layouts)
    return parser


def run_layouts(args: argparse.Namespace) -> int:
    """Run one ``floorplan layouts`` action; return the exit code."""
    # Imported here so that `floorplan --help` stays fast.
    from floorplan.errors import (  # noqa: PLC0415
        FloorplanError,
        StaleBaseError,
        StoreError,
        VenueReadError,
    )
    from floorplan.store import LayoutStore, default_store_path  # noqa: PLC0415

    action = args.layouts_command
    try:
        store = LayoutStore(args.store or default_store_path())
        if action != "save" and not store.path.exists():
            _fail(action, f"no layout store at {store.path} (save a version first)")
            return _BAD_INPUT
        return int(_ACTIONS[action](store, args))
    except StaleBaseError as exc:
        _fail(action, str(exc))
        return _REFUSED
    except (StoreError, VenueReadError) as exc:
        _fail(action, str(exc))
        return _BAD_INPUT
    except FileExistsError as exc:
        _fail(action, str(exc))
        return _REFUSED
    except FloorplanError as exc:
        _fail(action, str(exc))
        return _REFUSED


def _fail(action: str, message: str) -> None:
    print(f"floorplan layouts {action}: {message}", file=sys.stderr)


def _print(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def _list(store: Any, args: argparse.Namespace) -> int:
    infos = store.versions()
    published = store.published_version()
    lines = []
    for i in infos:
        mark = "*" if i.version == published else " "
        lines.append(
            f"{mark} v{i.version:<4} {i.saved_at}  {i.author:<12} {i.booths:>6} booths  "
            f"{i.message}"
            + (f"  (from v{i.parent})" if i.parent not in (None, i.version - 1) else "")
        )
    if not lines:
        lines = ["(no versions)"]
    elif published is not None:
        lines.append(f"* published: v{published}")
    data = {"published": published, "versions": [i.to_dict() for i in infos]}
    _print(args, data, "\n".join(lines))
    return _OK


def _show(store: Any, args: argparse.Namespace) -> int:
    from floorplan.layout import LayoutEditor, layout_stats  # noqa: PLC0415

    info = store.info(args.version)
    venue = store.load(args.version)
    stats = layout_stats(venue)
    problems = LayoutEditor(venue).problems()
    data = {
        **info.to_dict(),
        "published": store.published_version() == info.version,
        "stats": stats.to_dict(),
        "problems": [p.to_dict() for p in problems],
    }
    lines = [
        f"v{info.version} saved {info.saved_at} by {info.author}: {info.message}",
        f"  parent: {'v' + str(info.parent) if info.parent else '-'}; "
        f"published: {info.published_at or 'never'}",
        f"  {stats.booths} booths ({stats.sold} sold, {stats.unsold} unsold); "
        f"sold {stats.sold_m2:,.0f} m², unsold {stats.unsold_m2:,.0f} m²; "
        f"net {stats.net_m2:,.0f} m² of gross {stats.gross_m2:,.0f} m² "
        f"({stats.net_share:.0%})",
    ]
    for zone, z in stats.zones.items():
        lines.append(
            f"    {zone:<12} {z['booths']:>5} booths, {z['sold']:>5} sold, "
            f"{z['sold_m2']:>9,.0f} m² sold, {z['unsold_m2']:>9,.0f} m² unsold"
        )
    lines.append(f"  {len(problems)} problem(s)")
    lines.extend(f"    {p}" for p in problems[:50])
    _print(args, data, "\n".join(lines))
    return _OK


def _diff(store: Any, args: argparse.Namespace) -> int:
    d = store.diff(args.a, args.b)
    lines = [f"v{args.a} -> v{args.b}"]
    for name in ("added", "removed", "moved", "resized", "reassigned", "rezoned"):
        ids = getattr(d, name)
        if ids:
            lines.append(f"  {name:<10} {len(ids):>4}: {', '.join(ids)}")
    if d.changed_layers:
        lines.append(f"  other layers changed: {', '.join(d.changed_layers)}")
    if d.empty and not d.changed_layers:
        lines.append("  no differences")
    _print(args, d.to_dict(), "\n".join(lines))
    return _OK


def _publish(store: Any, args: argparse.Namespace) -> int:
    store.publish(args.version)
    _print(
        args,
        {"published": args.version},
        f"published v{args.version}; kiosks show it at their next check",
    )
    return _OK


def _export(store: Any, args: argparse.Namespace) -> int:
    from floorplan.io import write_venue  # noqa: PLC0415

    venue = store.load(args.version)
    out = write_venue(venue, args.dst, overwrite=args.force)
    _print(
        args,
        {"version": args.version, "written": str(out), "booths": len(venue.booths)},
        f"wrote v{args.version} to {out} ({len(venue.booths)} booths)",
    )
    return _OK


def _save(store: Any, args: argparse.Namespace) -> int:
    from floorplan.venue import load_venue  # noqa: PLC0415

    venue = load_venue(args.src, strict=False)
    version = store.save(
        venue, message=args.message, base=args.base, author=args.author, as_copy=args.as_copy
    )
    _print(args, {"version": version}, f"saved {args.src} as v{version} in {store.path}")
    return _OK


_ACTIONS: Final = {
    "list": _list,
    "show": _show,
    "diff": _diff,
    "publish": _publish,
    "export": _export,
    "save": _save,
}
