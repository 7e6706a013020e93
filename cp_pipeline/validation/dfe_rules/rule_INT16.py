"""DfE rule INT16: DOB in PrevPerm is the Header's."""

from cp_pipeline.validation.dfe_rules import dob_matches_header_rule

RULE = dob_matches_header_rule("INT16", "PrevPerm")
