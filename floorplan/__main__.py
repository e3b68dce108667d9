"""Run the ``floorplan`` command line as ``python -m floorplan``."""

import sys

from floorplan.cli import main

sys.exit(main())
