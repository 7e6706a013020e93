"""DfE rule INT07: every child in PrevPerm has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT07", "PrevPerm")
