"""DfE rule INT15: DOB in OC3 is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT15", "OC3")
