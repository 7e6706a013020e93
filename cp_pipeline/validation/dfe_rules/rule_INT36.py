"""DfE rule INT36: a child has at most one row in UASC."""

from cp_pipeline.validation.dfe_rules import one_row_per_child_rule

RULE = one_row_per_child_rule("INT36", "UASC")
