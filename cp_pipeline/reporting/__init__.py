"""Reporting: the board scorecard as HTML and XLSX."""
