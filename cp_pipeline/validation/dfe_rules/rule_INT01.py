"""DfE rule INT01: every child in AD1 has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT01", "AD1")
