"""Takes the README's Dagster UI screenshots in headless Chromium (Debian's, driven by Playwright).

Start the UI first (`make demo` then `make dev`), then:
    .venv/bin/python docs/take_ui_screenshots.py [http://127.0.0.1:3000]
"""

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).parent / "images"


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1800, "height": 1100})
        page.goto(f"{base}/asset-groups", wait_until="load")
        time.sleep(3)
        skip = page.get_by_role("button", name="Skip")  # first-visit newsletter dialog
        if skip.count():
            skip.click()
        for path, name in (
            ("/asset-groups", "asset_graph"),
            ("/locations/cp_pipeline/asset-groups/warehouse/lineage", "warehouse_group"),
        ):
            page.goto(base + path, wait_until="load")
            time.sleep(12)  # the graph lays itself out after load
            page.screenshot(path=str(OUT / f"{name}.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000")
