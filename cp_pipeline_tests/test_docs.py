"""The reference docs in docs/ are generated from the declarative definitions and kept current."""

from pathlib import Path

import pytest

from cp_pipeline.docs import DOCS

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_committed_docs_match_the_definitions(name):
    committed = (DOCS_DIR / name).read_text(encoding="utf-8")
    assert committed == DOCS[name](), f"docs/{name} is stale: run `make docs` and commit it"


def test_the_data_dictionary_covers_every_model_and_indicator():
    from cp_pipeline.indicators.catalogue import catalogue
    from cp_pipeline.warehouse.models import load_models

    models = (DOCS_DIR / "warehouse_models.md").read_text(encoding="utf-8")
    indicators = (DOCS_DIR / "indicator_catalogue.md").read_text(encoding="utf-8")
    assert all(f"`{m.schema}.{m.name}`" in models for m in load_models().values())
    assert all(f"`{code}`" in indicators for code in catalogue())
