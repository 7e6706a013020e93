"""DfE rule INT17: DOB in Reviews is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT17", "Reviews")
