"""IMDF archives (OGC Community Standard 20-094, IMDF 1.0.0): write, validate, import.

- :func:`archive_bytes` / :func:`write_imdf`: a venue as an IMDF archive, with UUIDs
  derived from our ids (:func:`feature_id`) and floorplan's extension for what IMDF has
  no place for;
- :func:`validate_archive`: the structural rules of IMDF, for any archive;
- :func:`import_imdf`: an archive (ours or another tool's) as a venue, with what had no
  counterpart listed.

docs/imdf.md describes the mapping and the extension.
"""

from __future__ import annotations

from floorplan.io.imdf.archive import Archive, read_archive
from floorplan.io.imdf.importer import ImdfImport, Unmatched, import_imdf
from floorplan.io.imdf.spec import EXTENSION_FILE, EXTENSION_ID, IMDF_VERSION, FeatureType
from floorplan.io.imdf.validator import validate_archive
from floorplan.io.imdf.writer import archive_bytes, feature_id, labels, write_imdf

__all__ = [
    "EXTENSION_FILE",
    "EXTENSION_ID",
    "IMDF_VERSION",
    "Archive",
    "FeatureType",
    "ImdfImport",
    "Unmatched",
    "archive_bytes",
    "feature_id",
    "import_imdf",
    "labels",
    "read_archive",
    "validate_archive",
    "write_imdf",
]
