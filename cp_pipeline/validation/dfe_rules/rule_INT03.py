"""DfE rule INT03: every child in Episodes has a Header row."""

from cp_pipeline.validation.dfe_rules import child_in_header_rule

RULE = child_in_header_rule("INT03", "Episodes")
