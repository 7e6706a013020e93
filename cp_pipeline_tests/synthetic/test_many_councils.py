"""Beyond the 23 built-in councils the generator makes up deterministic synthetic ones for national runs."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from cp_pipeline.synthetic.councils import (
    COUNCILS,
    MAX_COUNCILS,
    council_index,
    councils,
    neighbour_districts,
    reference_councils,
)
from cp_pipeline.synthetic.generate import write_council

LA_CODE = re.compile(r"^[EWSN]\d{8}$")


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_first_23_councils_are_the_built_in_ones_unchanged():
    assert councils(23) == COUNCILS
    assert councils(150)[:23] == COUNCILS
    assert reference_councils(1) == COUNCILS  # up to 23 councils the reference files list the same 23


def test_150_councils_have_valid_distinct_codes_names_regions_and_postcode_districts():
    chosen = councils(150)
    codes = [c.la_code for c in chosen]
    assert len(set(codes)) == 150 and all(LA_CODE.match(code) for code in codes)
    made_up = chosen[23:]
    real_codes = {c.la_code for c in COUNCILS}
    assert not real_codes & {c.la_code for c in made_up}
    assert made_up[0].la_name == "Synthetic Council 024" and made_up[-1].la_name == "Synthetic Council 150"
    assert len({c.region_code for c in chosen}) == 9  # every English region has councils
    districts = [d for c in chosen for d in c.postcode_districts]
    assert len(districts) == len(set(districts))
    real_districts = {d for c in COUNCILS for d in c.postcode_districts}
    assert all(d.startswith("Q") and d not in real_districts for c in made_up for d in c.postcode_districts)
    assert [council_index(c) for c in chosen] == list(range(150))


def test_synthetic_councils_are_the_same_whatever_the_number_asked_for():
    assert councils(60)[:40] == councils(40)
    council = councils(150)[99]
    own_and_neighbours = set(council.postcode_districts) | set(neighbour_districts(council))
    listed = {d for c in reference_councils(100) for d in c.postcode_districts}
    assert own_and_neighbours <= listed  # out-of-area placements only go where the reference files know


def test_asking_for_more_councils_than_can_be_made_up_is_refused():
    with pytest.raises(ValueError, match="las must be between"):
        councils(MAX_COUNCILS + 1)


def test_a_made_up_council_places_children_only_where_the_reference_files_know(tmp_path):
    council = councils(25)[24]
    facts, rows, files = write_council(tmp_path, council, 24, 9, ["2025-05"], "2025-05")
    assert files == len(rows) and rows["Header"] > 500
    folder = tmp_path / "extracts" / "E99000025" / "2025-05"
    episodes = pd.read_csv(folder / "episodes.csv", dtype=str)
    districts = episodes["PL_POST"].dropna().str.split(" ").str[0]
    listed = {d for c in reference_councils(25) for d in c.postcode_districts}
    assert districts.isin(listed).all()
    assert (~districts.isin(council.postcode_districts)).mean() > 0.1  # some placements out of area
    schools = pd.read_csv(folder / "schools.csv", dtype=str)
    assert schools["URN"].isin(facts.school_ratings["urn"]).all()


def test_a_council_written_in_a_worker_process_is_byte_identical(tmp_path):
    # generate(workers=n) maps write_council over councils in processes; each council has its own
    # random streams, so where it runs must not matter.
    council = councils(24)[23]
    job = (council, 23, 9, ["2025-05"], "2025-05")
    write_council(tmp_path / "here", *job)
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(write_council, tmp_path / "there", *job).result()
    here, there = tree_hashes(tmp_path / "here"), tree_hashes(tmp_path / "there")
    assert len(here) > 20 and here == there
