"""DfE rule INT34: a child has at most one row in OC3 (OC3 rows carry no year, so a second row for a child cannot be placed)."""

from cp_pipeline.validation.dfe_rules import one_row_per_child_rule

RULE = one_row_per_child_rule("INT34", "OC3")
