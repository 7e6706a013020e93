"""DfE rule INT08: every child in Reviews has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT08", "Reviews")
