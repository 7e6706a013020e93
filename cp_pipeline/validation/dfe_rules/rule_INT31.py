"""DfE rule INT31: a child has at most one row in AD1 (a child is adopted once)."""

from cp_pipeline.validation.dfe_rules import one_row_per_child_rule

RULE = one_row_per_child_rule("INT31", "AD1")
