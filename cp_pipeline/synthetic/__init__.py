"""Synthetic councils: a deterministic generator of realistic extracts (no real child data)."""
