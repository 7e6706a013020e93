"""DfE rule INT09: every child in UASC has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT09", "UASC")
