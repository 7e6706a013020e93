"""DfE rule INT04: every child in Missing has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT04", "Missing")
