"""DfE rule INT18: DOB in UASC is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT18", "UASC")
