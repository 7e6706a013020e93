"""DfE rule INT33: a child has at most one row in OC2 (OC2 rows carry no year, so a second row for a child cannot be placed)."""

from cp_pipeline.validation.dfe_rules import one_row_per_child_rule

RULE = one_row_per_child_rule("INT33", "OC2")
