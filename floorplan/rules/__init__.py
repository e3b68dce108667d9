"""One rule engine for every place that shows a layout's problems, and the publish gate.

:func:`check` runs named rule sets (``format``, ``floor``, ``code``, ``all``;
:class:`RuleChoice`) under a fire :class:`Code` (the venue's own by default); every
problem carries its rule set and its severity (:class:`~floorplan.problems.Severity`:
``error`` blocks publishing, ``warning`` needs an acknowledgement, ``info`` informs).
:class:`PublishGate` is what the layout store checks before it publishes a version;
:func:`capacity_report` puts the engine's problems beside the capacity figures, as
``floorplan capacity`` and ``/staff`` show them.

The format's rules live in :mod:`floorplan.validate`, the floor's and the code's in the
layout editor's checker (:mod:`floorplan.layout`); this subpackage composes them, above
both, and below the pages and commands.
"""

from __future__ import annotations

from floorplan.problems import Problem, RuleCode, RuleSet, Severity
from floorplan.rules.capacity import capacity_report
from floorplan.rules.engine import (
    Code,
    RuleChoice,
    blocking,
    by_severity,
    check,
    code_of,
    layout_rules,
)
from floorplan.rules.gate import PublishGate

#: :func:`check` under the name the package's top level gives it (``floorplan.check_rules``).
check_rules = check

__all__ = [
    "Code",
    "Problem",
    "PublishGate",
    "RuleChoice",
    "RuleCode",
    "RuleSet",
    "Severity",
    "blocking",
    "by_severity",
    "capacity_report",
    "check",
    "check_rules",
    "code_of",
    "layout_rules",
]
