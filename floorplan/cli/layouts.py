"""Run ``floorplan layouts``: list, show, diff, publish, export and save layout versions."""

from __future__ import annotations

import argparse
import json
from typing import Any, Final

from floorplan.cli._args import add_code_args, add_json_arg, code_for

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``layouts`` command and its subcommands to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "layouts",
        help="list, compare, publish and export saved floor layouts",
        description="Work with a layout store: a GeoPackage of immutable layout versions "
        "saved by the planner. Publishing checks the version with every rule (format, "
        "floor, and the venue's code): an error refuses it, a warning needs --acknowledge "
        "(stored with the publication: who, when, which problems), and the kiosks' venue, "
        "router and search index are built before it is marked published. Publishing an "
        "older version rolls back to it. Exit 0 on success, 1 when a save, export or "
        "publish is refused (nothing is written), 2 for an unknown version or an "
        "unreadable store or venue.",
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--store",
            metavar="PATH",
            default=None,
            help="the layout store (default: $FLOORPLAN_STORE, else the one store beside "
            "the user file that floorplan serve uses; save: the saved venue's own store)",
        )
        add_json_arg(p, "print JSON on stdout")

    p = sub.add_parser(
        "list", help="list the versions, oldest first, and which version the kiosks show"
    )
    common(p)
    p = sub.add_parser(
        "show", help="show one version: who saved it, booths, areas, problems (every rule)"
    )
    p.add_argument("version", type=int, metavar="V")
    add_code_args(p)
    common(p)
    p = sub.add_parser("diff", help="booths added, removed, moved, resized, reassigned")
    p.add_argument("a", type=int, metavar="A")
    p.add_argument("b", type=int, metavar="B")
    common(p)
    p = sub.add_parser(
        "publish",
        help="make version V the layout the kiosks show (an older one: roll back to it)",
    )
    p.add_argument("version", type=int, metavar="V")
    p.add_argument(
        "--acknowledge",
        action="store_true",
        help="publish although V has warnings (recorded with the publication); errors "
        "still refuse it",
    )
    p.add_argument("--author", default=None, help="who publishes (default: your user name)")
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
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run one ``floorplan layouts`` action; return 0 (failures raise)."""
    from floorplan.errors import StoreError  # noqa: PLC0415
    from floorplan.io import LayoutStore, default_store_path  # noqa: PLC0415 - keep --help fast
    from floorplan.rules import PublishGate  # noqa: PLC0415

    if args.action == "save" and args.store is None:
        return _save(None, args)  # the store of the venue saved, once it is read
    store = LayoutStore(args.store or default_store_path(), gate=PublishGate())
    if args.action != "save" and not store.path.exists():
        msg = f"no layout store at {store.path} (save a version first)"
        raise StoreError(msg)
    return int(_ACTIONS[args.action](store, args))


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
    status = store.kiosk_status()
    if not lines:
        lines = ["(no versions)"]
    else:
        lines.append(f"* {status.text()}")
    data = {
        "published": published,
        "kiosks": status.to_dict(),
        "publications": [p.to_dict() for p in store.publications()],
        "versions": [i.to_dict() for i in infos],
    }
    _print(args, data, "\n".join(lines))
    return 0


def _show(store: Any, args: argparse.Namespace) -> int:
    from floorplan.layout import layout_stats  # noqa: PLC0415
    from floorplan.rules import RuleChoice, by_severity, check  # noqa: PLC0415

    info = store.info(args.version)
    venue = store.load(args.version)
    stats = layout_stats(venue)
    code = code_for(args, venue)
    problems = check(venue, RuleChoice.ALL, code=code)
    data = {
        **info.to_dict(),
        "published": store.published_version() == info.version,
        "stats": stats.to_dict(),
        "code": {"profile": code.profile, "sprinklered": code.sprinklered},
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
    tally = ", ".join(f"{len(ps)} {s}" for s, ps in by_severity(problems).items() if ps)
    lines.append(
        f"  {len(problems)} problem(s){f' ({tally})' if tally else ''} under all rules "
        f"({code.describe()})"
    )
    lines.extend(f"    {p.severity}: {p}" for p in problems[:50])
    if len(problems) > 50:
        lines.append(f"    ... and {len(problems) - 50} more (--json lists them all)")
    _print(args, data, "\n".join(lines))
    return 0


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
    return 0


def _publish(store: Any, args: argparse.Namespace) -> int:
    from floorplan.app.context import VenueSnapshot  # noqa: PLC0415 - what kiosks load

    before = store.published_version()
    pub = store.publish(
        args.version,
        author=args.author,
        acknowledge=bool(args.acknowledge),
        # Build what a kiosk loads (venue, router, search index): if that fails here it
        # would fail in the servers, and nothing is published.
        prepare=lambda venue, v: VenueSnapshot.build(venue, version=v),
    )
    verb = "rolled back to" if before is not None and args.version < before else "published"
    acks = f"; acknowledged {len(pub.acknowledged)} warning(s)" if pub.acknowledged else ""
    _print(
        args,
        {"published": args.version, "publication": pub.to_dict()},
        f"{verb} v{args.version} (checked against {pub.gate}{acks}); open kiosks switch "
        "within a few seconds (floorplan layouts list shows which version each shows)",
    )
    return 0


def _export(store: Any, args: argparse.Namespace) -> int:
    from floorplan.io import write_venue  # noqa: PLC0415

    venue = store.load(args.version)
    out = write_venue(venue, args.dst, overwrite=args.force)
    _print(
        args,
        {"version": args.version, "written": str(out), "booths": len(venue.booths)},
        f"wrote v{args.version} to {out} ({len(venue.booths)} booths)",
    )
    return 0


def _save(store: Any, args: argparse.Namespace) -> int:
    from floorplan.io import LayoutStore, load_venue, store_for_venue  # noqa: PLC0415

    venue = load_venue(args.src, strict=False)
    store = store or LayoutStore(store_for_venue(venue.name))
    version = store.save(
        venue, message=args.message, base=args.base, author=args.author, as_copy=args.as_copy
    )
    _print(args, {"version": version}, f"saved {args.src} as v{version} in {store.path}")
    return 0


_ACTIONS: Final = {
    "list": _list,
    "show": _show,
    "diff": _diff,
    "publish": _publish,
    "export": _export,
    "save": _save,
}
