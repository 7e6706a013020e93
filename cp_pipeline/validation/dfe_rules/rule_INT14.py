"""DfE rule INT14: DOB in OC2 is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT14", "OC2")
