"""The scorecard opened in a real headless Chromium, offline: it renders on screen and prints to PDF."""

from __future__ import annotations

import pytest

from cp_pipeline_tests.reporting.conftest import run_chromium

pytestmark = pytest.mark.chromium


def test_scorecard_renders_as_a_screenshot(chromium, written, tmp_path):
    png = tmp_path / "scorecard.png"
    result = run_chromium(
        chromium,
        written[".html"].resolve().as_uri(),
        tmp_path / "profile",
        f"--screenshot={png}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
    )
    assert png.is_file(), result.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000  # a blank page is a few kilobytes


def test_scorecard_prints_to_pdf(chromium, written, tmp_path):
    pdf = tmp_path / "scorecard.pdf"
    result = run_chromium(
        chromium,
        written[".html"].resolve().as_uri(),
        tmp_path / "profile",
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
    )
    assert pdf.is_file(), result.stderr[-2000:]
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(content) > 30_000
    assert content.count(b"/Type /Page") - content.count(b"/Type /Pages") >= 2  # several printed pages
