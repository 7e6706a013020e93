"""cp_pipeline: the data pipeline behind a council's Corporate Parenting Board scorecard."""

__version__ = "0.1.0"
