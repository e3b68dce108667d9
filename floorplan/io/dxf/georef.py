"""Place a drawing's local engineering coordinates in a projected CRS.

Either an origin and a rotation (where the drawing's 0,0 lies in the CRS and how far its
x axis turns counter-clockwise from east), or two or more control points fitted by least
squares as a similarity (rotation, uniform scale, shift), with each point's residual.

>>> p = Placement.from_origin("EPSG:32650", (1000.0, 2000.0), rotation_deg=90)
>>> [round(v, 6) for v in p.apply_xy(10.0, 0.0)]
[1000.0, 2010.0]
>>> cps = [ControlPoint("a", 0, 0, 500, 500), ControlPoint("b", 10, 0, 500, 510)]
>>> fit = Placement.from_control_points("EPSG:32650", cps)
>>> round(fit.rotation_deg, 6), round(fit.scale, 6), fit.rms_m < 1e-9
(90.0, 1.0, True)
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info
from pyproj.exceptions import CRSError

from floorplan.errors import DrawingError

__all__ = [
    "SCALE_TOLERANCE",
    "ControlPoint",
    "Placement",
    "parse_crs",
    "parse_origin",
    "read_control_points",
]

#: Control points may scale the drawing by this much (map projections do, a little);
#: more means the drawing's units are wrong.
SCALE_TOLERANCE = 0.05


@dataclass(frozen=True)
class ControlPoint:
    """A point known in the drawing (``x, y``, drawing units) and in the CRS (``east, north``)."""

    name: str
    x: float
    y: float
    east: float
    north: float


@dataclass(frozen=True)
class Placement:
    """An affine map from local drawing metres to a projected CRS, and how it was found.

    ``matrix`` is ``(a, b, d, e, xoff, yoff)`` as :func:`shapely.affinity.affine_transform`
    takes it: ``X = a·x + b·y + xoff``, ``Y = d·x + e·y + yoff``.
    """

    crs: CRS
    matrix: tuple[float, float, float, float, float, float]
    how: str
    rotation_deg: float = 0.0
    scale: float = 1.0
    residuals_m: tuple[tuple[str, float], ...] = field(default=())

    @property
    def rms_m(self) -> float:
        """Return the root-mean-square residual of the control points (0 without any)."""
        if not self.residuals_m:
            return 0.0
        return float(math.sqrt(np.mean([r * r for _, r in self.residuals_m])))

    @property
    def origin(self) -> tuple[float, float]:
        """Return where the drawing's 0,0 lies in the CRS."""
        return self.matrix[4], self.matrix[5]

    @classmethod
    def from_origin(
        cls, crs: str | CRS, origin: tuple[float, float], *, rotation_deg: float = 0.0
    ) -> Placement:
        """Place the drawing's 0,0 at ``origin`` with its x axis turned ``rotation_deg``.

        A geographic CRS (``EPSG:4326``, origin as lon,lat) is replaced by its UTM zone.
        """
        given = parse_crs(crs)
        target = _projected(given, [origin])
        ox, oy = _projected_points(given, [origin])[0]
        t = math.radians(rotation_deg)
        c, s = math.cos(t), math.sin(t)
        how = f"origin {ox:.3f},{oy:.3f} and rotation {rotation_deg:g}° in {target.to_string()}"
        return cls(target, (c, -s, s, c, ox, oy), how, rotation_deg=rotation_deg)

    @classmethod
    def from_control_points(cls, crs: str | CRS, points: list[ControlPoint]) -> Placement:
        """Fit a similarity (least squares) taking the points' drawing metres to the CRS.

        The points' ``x, y`` must already be in metres. A geographic CRS is replaced by
        its UTM zone.

        Raises
        ------
        DrawingError
            With fewer than two distinct points.
        """
        given = parse_crs(crs)
        if len(points) < 2:
            msg = f"control points: {len(points)} given; at least two are needed"
            raise DrawingError(msg)
        src = np.array([[p.x, p.y] for p in points], dtype=float)
        target = _projected(given, [(p.east, p.north) for p in points])
        dst = np.array(_projected_points(given, [(p.east, p.north) for p in points]), dtype=float)
        # Closed-form least-squares similarity (Umeyama's method without reflection):
        # ten lines of numpy, where a library would add a dependency for one function.
        sc, dc = src.mean(axis=0), dst.mean(axis=0)
        p, q = src - sc, dst - dc
        norm = float((p * p).sum())
        if norm < 1e-12:
            msg = "control points: the drawing points all coincide; give points far apart"
            raise DrawingError(msg)
        a = float((p[:, 0] * q[:, 0] + p[:, 1] * q[:, 1]).sum()) / norm
        b = float((p[:, 0] * q[:, 1] - p[:, 1] * q[:, 0]).sum()) / norm
        xoff, yoff = dc - np.array([a * sc[0] - b * sc[1], b * sc[0] + a * sc[1]])
        matrix = (a, -b, b, a, float(xoff), float(yoff))
        fitted = src @ np.array([[a, b], [-b, a]]) + np.array([xoff, yoff])
        residuals = np.hypot(*(fitted - dst).T)
        scale, rotation = math.hypot(a, b), math.degrees(math.atan2(b, a))
        how = f"{len(points)} control points, least-squares similarity in {target.to_string()}"
        return cls(
            target,
            matrix,
            how,
            rotation_deg=rotation,
            scale=scale,
            residuals_m=tuple((pt.name, float(r)) for pt, r in zip(points, residuals, strict=True)),
        )

    def apply(self, geoms: Any) -> Any:
        """Return ``geoms`` (a geometry or an array of them) moved into the CRS."""
        a, b, d, e, xoff, yoff = self.matrix
        m = np.array([[a, d], [b, e]])
        shift = np.array([xoff, yoff])
        return shapely.transform(geoms, lambda xy: xy @ m + shift)

    def apply_xy(self, x: float, y: float) -> tuple[float, float]:
        """Return the CRS coordinates of the local point ``x, y``."""
        a, b, d, e, xoff, yoff = self.matrix
        return a * x + b * y + xoff, d * x + e * y + yoff

    def inverse(self, geoms: Any) -> Any:
        """Return ``geoms`` moved from the CRS back to local drawing metres."""
        a, b, d, e, xoff, yoff = self.matrix
        inv = np.linalg.inv(np.array([[a, b], [d, e]]))
        shift = np.array([xoff, yoff])
        return shapely.transform(geoms, lambda xy: (xy - shift) @ inv.T)

    def with_how(self, how: str) -> Placement:
        """Return the same placement with another description."""
        return replace(self, how=how)

    def to_dict(self) -> dict[str, object]:
        """Return the placement as the import report and ``venue.json`` keep it."""
        return {
            "crs": self.crs.to_string(),
            "how": self.how,
            "matrix": list(self.matrix),
            "rotation_deg": self.rotation_deg,
            "scale": self.scale,
            "rms_m": self.rms_m,
            "residuals_m": dict(self.residuals_m),
        }


def parse_crs(value: str | CRS) -> CRS:
    """Return ``value`` as a CRS, or raise :class:`DrawingError` naming it."""
    if isinstance(value, CRS):
        return value
    try:
        return CRS.from_user_input(value)
    except CRSError:
        msg = f"--crs {value!r} is not a known CRS (give one such as EPSG:32650)"
        raise DrawingError(msg) from None


def parse_origin(value: str) -> tuple[float, float]:
    """Parse ``X,Y`` into two numbers, or raise :class:`DrawingError`."""
    parts = value.replace(";", ",").split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        msg = f"--origin {value!r} must be two numbers X,Y"
        raise DrawingError(msg) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        msg = f"--origin {value!r} must be finite"
        raise DrawingError(msg)
    return x, y


def _projected(crs: CRS, lonlat: list[tuple[float, float]]) -> CRS:
    if crs.is_projected:
        return crs
    if not crs.is_geographic:
        msg = f"CRS {crs.to_string()} is neither projected nor geographic"
        raise DrawingError(msg)
    lon = float(np.mean([p[0] for p in lonlat]))
    lat = float(np.mean([p[1] for p in lonlat]))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        msg = f"{lon:g},{lat:g} is not a longitude,latitude for CRS {crs.to_string()}"
        raise DrawingError(msg)
    info = query_utm_crs_info(
        datum_name="WGS 84", area_of_interest=AreaOfInterest(lon, lat, lon, lat)
    )
    return CRS.from_epsg(int(info[0].code))


def _projected_points(crs: CRS, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    target = _projected(crs, points)
    if target is crs:
        return points
    to = Transformer.from_crs(crs, target, always_xy=True)
    return [tuple(to.transform(x, y)) for x, y in points]


_X_NAMES = ("x", "drawing_x", "dx")
_Y_NAMES = ("y", "drawing_y", "dy")
_E_NAMES = ("east", "easting", "e", "lon", "longitude", "crs_x")
_N_NAMES = ("north", "northing", "n", "lat", "latitude", "crs_y")


def read_control_points(source: str | Path, *, text: str | None = None) -> list[ControlPoint]:
    """Read control points from CSV: ``x, y`` (drawing units), ``east, north`` (the CRS).

    An optional ``name`` column names the points in the report. ``lon, lat`` may stand for
    ``east, north`` when the CRS is geographic. Commas, semicolons or tabs separate.

    Raises
    ------
    DrawingError
        When the file cannot be read, lacks a column, or holds a value that is no number.
    """
    try:
        body = text if text is not None else Path(source).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"control points {source}: cannot be read: {exc}"
        raise DrawingError(msg) from None
    try:
        dialect: Any = csv.Sniffer().sniff(body.splitlines()[0] if body else "", ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.DictReader(io.StringIO(body), dialect=dialect))
    if not rows:
        msg = f"control points {source}: no rows"
        raise DrawingError(msg)
    header = {str(k).strip().lower(): k for k in rows[0] if k is not None}
    cols = [_column(header, names, source) for names in (_X_NAMES, _Y_NAMES, _E_NAMES, _N_NAMES)]
    out = []
    for line, row in enumerate(rows, start=2):
        try:
            x, y, east, north = (float(str(row[c]).strip()) for c in cols)
        except (TypeError, ValueError):
            msg = f"control points {source}, line {line}: {row} has a value that is no number"
            raise DrawingError(msg) from None
        name = str(row.get(header.get("name", ""), "") or f"P{line - 1}").strip()
        out.append(ControlPoint(name, x, y, east, north))
    return out


def _column(header: dict[str, str], names: tuple[str, ...], source: object) -> str:
    for name in names:
        if name in header:
            return header[name]
    msg = (
        f"control points {source}: no column {names[0]!r} (columns: "
        f"{', '.join(header) or 'none'}); give x, y, east, north (and optionally name)"
    )
    raise DrawingError(msg)
