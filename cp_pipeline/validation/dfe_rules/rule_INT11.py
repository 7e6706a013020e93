"""DfE rule INT11: DOB in AD1 is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT11", "AD1")
