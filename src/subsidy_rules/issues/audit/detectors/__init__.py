"""The detectors, found on disk: every ``detectors/<name>.py`` is one detector.

Each file defines ``SPEC``, a :class:`~subsidy_rules.issues.audit.spec.DetectorSpec`
whose ``name`` is the file's name with ``-`` for ``_`` (``paid_after_death.py``
is ``paid-after-death``). Nothing is registered by hand: adding a detector
is adding its file (files whose names start with ``_`` are not detectors).
The detectors run in file-name order.

Usage::

    from subsidy_rules.issues.audit.detectors import detector, detectors

    [d.name for d in detectors()]
    detector("paid-after-death").needs          # ('deaths',)
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import cache

from subsidy_rules.core.errors import SubsidyRulesError
from subsidy_rules.issues.audit.spec import DetectorSpec


class DetectorFileError(SubsidyRulesError):
    """A file in the detectors folder does not declare a detector as the registry expects."""


def files() -> tuple[str, ...]:
    """The module names of the detector files on disk, in order."""
    return _files(__path__)


def _files(path: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_")))


def scan(package: str, path: Iterable[str]) -> tuple[DetectorSpec, ...]:
    """The detectors of the files in the folders ``path`` of the package named ``package``.

    Raises:
        DetectorFileError: a file defines no ``SPEC``, or one whose name is not the file's.
    """
    specs: list[DetectorSpec] = []
    for module_name in _files(path):
        # the registry's one dynamic import: the detectors are the files in this folder
        module = importlib.import_module(f"{package}.{module_name}")
        spec = getattr(module, "SPEC", None)
        if not isinstance(spec, DetectorSpec):
            raise DetectorFileError(f"detectors/{module_name}.py defines no SPEC (a DetectorSpec)")
        if spec.name != module_name.replace("_", "-"):
            raise DetectorFileError(f"detectors/{module_name}.py declares {spec.name!r}; its file name says otherwise")
        specs.append(spec)
    return tuple(specs)


@cache
def _found() -> tuple[DetectorSpec, ...]:
    return scan(__name__, __path__)


def detectors() -> tuple[DetectorSpec, ...]:
    """Every detector, in the order the engine runs them."""
    return _found()


def detector(name: str) -> DetectorSpec:
    """The detector called ``name`` (``KeyError`` when there is none)."""
    for spec in _found():
        if spec.name == name:
            return spec
    raise KeyError(name)


__all__ = ["DetectorFileError", "DetectorSpec", "detector", "detectors", "files", "scan"]
