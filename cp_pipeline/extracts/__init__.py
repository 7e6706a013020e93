"""Input contract: table specs, readers, normalisation and landing of raw extracts."""
