"""Validation: pandera schemas, Great Expectations suites, DfE rules and quarantine."""
