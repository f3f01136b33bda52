"""Effective-dated, cited policy parameters, in layers (national → province → city → user).

Usage::

    from datetime import date
    from subsidy_rules.parameters import jurisdiction, parameter_set

    ps = jurisdiction("wuhan")                  # national + hubei + wuhan
    ratio, used = ps.ratio("ssi.flexible.max_ratio", date(2019, 5, 1))
    used.citation.label                          # '财社〔2017〕164号 …'
    ps = parameter_set("wuhan", ["my-district.toml"])
"""

from subsidy_rules.parameters.loader import (
    PACKAGED_LAYERS,
    jurisdiction,
    layer_from_toml,
    load_layer,
    national,
    packaged_layer,
    parameter_set,
)
from subsidy_rules.parameters.model import (
    DatedValue,
    Layer,
    NewerBelow,
    Parameter,
    ParameterGapError,
    ParameterSet,
    ParamKind,
    ParamValue,
    Resolved,
    carried_over_text,
)
from subsidy_rules.parameters.values import ValueFormatError, check_range, parse_value, value_text

__all__ = [
    "PACKAGED_LAYERS",
    "DatedValue",
    "Layer",
    "NewerBelow",
    "ParamKind",
    "ParamValue",
    "Parameter",
    "ParameterGapError",
    "ParameterSet",
    "Resolved",
    "ValueFormatError",
    "carried_over_text",
    "check_range",
    "jurisdiction",
    "layer_from_toml",
    "load_layer",
    "national",
    "packaged_layer",
    "parameter_set",
    "parse_value",
    "value_text",
]
