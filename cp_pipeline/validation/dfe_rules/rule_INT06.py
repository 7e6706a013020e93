"""DfE rule INT06: every child in OC3 has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT06", "OC3")
