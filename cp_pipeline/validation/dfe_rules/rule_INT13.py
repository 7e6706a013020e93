"""DfE rule INT13: DOB in Missing is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT13", "Missing")
