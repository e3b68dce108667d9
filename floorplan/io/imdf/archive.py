"""Read an IMDF archive (a ZIP of GeoJSON files and a manifest) and write one atomically.

Reading is lenient about where the files sit: at the root of the ZIP or in one folder
(tools often zip a folder). What cannot be read at all (no such file, not a ZIP) raises
:class:`~floorplan.errors.VenueReadError`; a member that is not JSON, or not a
FeatureCollection, is recorded as a problem and the rest is still read.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from floorplan.atomic import atomic_file, refuse_existing
from floorplan.errors import VenueReadError
from floorplan.io.imdf.spec import EXTENSION_FILE, MANIFEST_FILE, FeatureType, file_name
from floorplan.problems import Problem, RuleCode

__all__ = ["Archive", "archive_zip", "read_archive", "write_zip"]

#: Every member gets this timestamp, so that the same content makes the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass
class Archive:
    """An IMDF archive as read: the manifest, the features of each type, our extension.

    Attributes
    ----------
    where
        The archive's path (or ``"<bytes>"``), for messages.
    manifest
        ``manifest.json`` parsed (``None`` when missing or not JSON).
    features
        Feature type -> the features of its file, as parsed JSON objects (a missing file:
        no key).
    extension
        floorplan's extension document, if the archive carries one.
    members
        The member names found (relative to the archive's root folder).
    problems
        What could not be read (``unreadable`` records, one per member).
    """

    where: str
    manifest: dict[str, Any] | None
    features: dict[FeatureType, list[dict[str, Any]]]
    extension: dict[str, Any] | None = None
    members: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def of(self, feature_type: FeatureType) -> list[dict[str, Any]]:
        """Return the features of ``feature_type`` (empty when its file is missing)."""
        return self.features.get(feature_type, [])


def read_archive(src: str | Path | bytes) -> Archive:
    """Read an IMDF archive from a path or from the bytes of a ZIP.

    Raises
    ------
    VenueReadError
        When the path does not exist or is not a ZIP file.
    """
    where = "<bytes>" if isinstance(src, bytes) else str(src)
    try:
        handle = io.BytesIO(src) if isinstance(src, bytes) else Path(src).open("rb")  # noqa: SIM115
    except FileNotFoundError:
        msg = f"IMDF archive {where}: no such file"
        raise VenueReadError(msg, [Problem("", None, RuleCode.NOT_FOUND, msg)]) from None
    except OSError as exc:
        msg = f"IMDF archive {where}: cannot be opened ({exc.strerror or exc})"
        raise VenueReadError(msg, [Problem("", None, RuleCode.UNREADABLE, msg)]) from None
    with handle:
        try:
            with zipfile.ZipFile(handle) as zf:
                return _read_zip(zf, where)
        except (zipfile.BadZipFile, EOFError) as exc:
            msg = f"IMDF archive {where}: not a ZIP file ({exc})"
            raise VenueReadError(msg, [Problem("", None, RuleCode.UNKNOWN_FORMAT, msg)]) from None


def _root(names: list[str]) -> str:
    """Return the folder the archive's files sit in ("" for the ZIP's root)."""
    if MANIFEST_FILE in names:
        return ""
    manifests = [n for n in names if PurePosixPath(n).name == MANIFEST_FILE]
    if len(manifests) == 1:
        return str(PurePosixPath(manifests[0]).parent) + "/"
    return ""


def _read_zip(zf: zipfile.ZipFile, where: str) -> Archive:
    names = [n for n in zf.namelist() if not n.endswith("/")]
    root = _root(names)
    members = tuple(n[len(root) :] for n in names if n.startswith(root))
    archive = Archive(where, None, {}, members=members)
    for name in members:
        if name == MANIFEST_FILE:
            archive.manifest = _load(zf, root + name, name, archive, want=dict)
        elif name == EXTENSION_FILE:
            archive.extension = _load(zf, root + name, name, archive, want=dict)
    for ftype in FeatureType:
        name = file_name(ftype)
        if name not in members:
            continue
        doc = _load(zf, root + name, name, archive, want=dict)
        if doc is None:
            continue
        feats = doc.get("features")
        if doc.get("type") != "FeatureCollection" or not isinstance(feats, list):
            _unreadable(archive, name, "is not a GeoJSON FeatureCollection")
            continue
        archive.features[ftype] = feats
    return archive


def _load(
    zf: zipfile.ZipFile, member: str, name: str, archive: Archive, *, want: type
) -> Any | None:
    try:
        value = json.loads(zf.read(member).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile, OSError) as exc:
        _unreadable(archive, name, f"is not JSON ({exc})")
        return None
    if not isinstance(value, want):
        _unreadable(archive, name, f"is not a JSON {want.__name__}")
        return None
    return value


def _unreadable(archive: Archive, name: str, why: str) -> None:
    msg = f"{archive.where}: {name} {why}"
    archive.problems.append(Problem(name, None, RuleCode.UNREADABLE, msg))


def archive_zip(members: dict[str, str]) -> bytes:
    """Return a ZIP holding ``members`` (name -> UTF-8 text), the same bytes for the same input.

    Members are written in the given order with a fixed timestamp.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def write_zip(data: bytes, dst: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``dst`` atomically (a temporary sibling renamed into place).

    Raises
    ------
    FileExistsError
        When ``dst`` exists and ``overwrite`` is false.
    """
    target = Path(dst)
    refuse_existing(target, overwrite=overwrite)
    with atomic_file(target) as tmp:
        tmp.write_bytes(data)
    return target
