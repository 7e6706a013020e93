"""DfE rule INT12: DOB in PlacedAdoption is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT12", "PlacedAdoption")
