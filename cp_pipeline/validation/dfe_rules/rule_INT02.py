"""DfE rule INT02: every child in PlacedAdoption has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT02", "PlacedAdoption")
