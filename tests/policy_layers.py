"""Test layers for the rules since issue 18 (a ceiling is not a standard).

``PAYS_CEILING`` is a user layer whose local standard equals the national
ceiling (2/3 of the pension and medical contributions actually paid): the
place every test written before issue 18 assumed without saying so.
"""

from __future__ import annotations

from pathlib import Path

from subsidy_rules.parameters import Layer, ParameterSet, load_layer

PAYS_CEILING = Path(__file__).parent / "fixtures" / "layers" / "pays-the-ceiling.toml"


def ceiling_layer(base: ParameterSet) -> Layer:
    return load_layer(PAYS_CEILING, base)


def paying_ceiling(base: ParameterSet) -> ParameterSet:
    """``base`` with the test place's standard (2/3 of actual pension + medical) on top."""
    return base.with_layer(ceiling_layer(base))
