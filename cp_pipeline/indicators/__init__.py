"""Indicators: the scorecard catalogue, targets, benchmarks, RAG and trends."""
