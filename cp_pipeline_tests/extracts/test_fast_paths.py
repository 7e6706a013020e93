"""The fast paths agree with the general ones: quote-free CSV text read without the csv module,
and dates read by the one format their shape names."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cp_pipeline.extracts.normalise import DATE_FORMATS
from cp_pipeline.extracts.readers import (
    _OTHER_LINE_BREAKS,
    UnreadableFileError,
    _csv_rows,
    _grid_of_rows,
    _unquoted_grid,
)

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))

# Cells made of what matters to row and cell boundaries: commas, every kind of line end the
# csv module or str.splitlines knows, spaces and a little text.
CELL_PIECES = ["a", "1", " ", ",", "\t", "\n", "\r", "\r\n", "é", *_OTHER_LINE_BREAKS]
cells = st.lists(st.sampled_from(CELL_PIECES), max_size=5).map("".join)
lines = st.lists(cells, max_size=6).map(",".join)


def general_grid(text: str):
    try:
        grid = _grid_of_rows("x.csv", *_csv_rows("x.csv", text))
    except UnreadableFileError as err:
        return str(err)
    return grid.header, grid.columns, list(grid.lines), grid.skipped


@FUZZ
@given(st.lists(lines, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_unquoted_text_is_cut_as_the_csv_module_cuts_it(rows, line_end, ends_with_line_end):
    text = line_end.join(rows) + (line_end if ends_with_line_end else "")
    grid = _unquoted_grid(text)
    if grid is not None:  # None: ragged rows, left to the general path
        assert (grid.header, grid.columns, list(grid.lines), grid.skipped) == general_grid(text)


def test_text_with_a_quote_takes_the_general_path():
    assert _unquoted_grid('CHILD,SEX\n"1001",M\n') is None


def test_a_ragged_row_takes_the_general_path():
    assert _unquoted_grid("CHILD,SEX,DOB\n1001,M\n") is None


@FUZZ
@given(
    st.sampled_from([pattern for pattern, _ in DATE_FORMATS]).flatmap(
        lambda pattern: st.from_regex(pattern, fullmatch=True)
    )
)
def test_date_shapes_exclude_one_another(text):
    """normalise reads a date by the first shape it fits, so a value may fit only one."""
    fits = [pattern for pattern, _ in DATE_FORMATS if re.fullmatch(pattern, text)]
    assert len(fits) <= 1, (text, fits)


def test_blank_lines_and_mixed_line_ends_keep_their_line_numbers():
    text = "\n , \nCHILD,SEX\r\n1001,M\r\r\n,\n1002,F\x0bX\u2028"
    grid = _unquoted_grid(text)
    assert grid is not None
    assert (grid.header, grid.columns, list(grid.lines), grid.skipped) == general_grid(text)
    assert list(grid.lines) == [4, 7] and grid.skipped == 2


def regex_respaced(value: str) -> str:
    """The postcode re-spacing as first written, with pandas' regex string methods."""
    compact = re.sub(r"\s+", "", value.upper())
    return compact[:-3] + " " + compact[-3:] if len(compact) >= 5 else compact


@FUZZ
@given(
    st.lists(
        st.sampled_from(["a", "B", "1", " ", "\t", "\u00a0", "\u2003", "\x1c", "ß", "é"]),
        min_size=1,
        max_size=10,
    )
)
def test_postcodes_are_respaced_as_the_regex_respaced_them(pieces):
    from cp_pipeline.extracts.normalise import _respaced

    value = "".join(pieces)
    assert _respaced(value) == regex_respaced(value)
