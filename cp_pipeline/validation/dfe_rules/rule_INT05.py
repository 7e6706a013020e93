"""DfE rule INT05: every child in OC2 has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT05", "OC2")
