"""The synthetic councils: 23 built-in ones with real ONS codes, names, regions and postcode
districts, then as many made-up ones as a national benchmark needs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Council:
    la_code: str
    la_name: str
    region_code: str
    region_name: str
    postcode_districts: tuple[str, ...]


_NE = ("E12000001", "North East")
_NW = ("E12000002", "North West")
_YH = ("E12000003", "Yorkshire and The Humber")
_WM = ("E12000005", "West Midlands")


def _c(code: str, name: str, region: tuple[str, str], districts: str) -> Council:
    return Council(code, name, region[0], region[1], tuple(districts.split()))


# Ordered so that `--las N` takes the first N; neighbours are councils of the same region.
COUNCILS: tuple[Council, ...] = (
    _c("E06000002", "Middlesbrough", _NE, "TS1 TS2 TS3 TS4 TS5 TS7 TS8"),
    _c("E06000001", "Hartlepool", _NE, "TS24 TS25 TS26 TS27"),
    _c("E06000003", "Redcar and Cleveland", _NE, "TS6 TS10 TS11 TS12 TS13 TS14"),
    _c("E06000004", "Stockton-on-Tees", _NE, "TS16 TS17 TS18 TS19 TS20 TS21 TS22 TS23"),
    _c("E06000005", "Darlington", _NE, "DL1 DL2 DL3"),
    _c("E08000021", "Newcastle upon Tyne", _NE, "NE1 NE2 NE3 NE4 NE5 NE6 NE7 NE15"),
    _c("E08000037", "Gateshead", _NE, "NE8 NE9 NE10 NE11 NE16 NE21"),
    _c("E08000024", "Sunderland", _NE, "SR1 SR2 SR3 SR4 SR5 SR6"),
    _c(
        "E08000025",
        "Birmingham",
        _WM,
        "B1 B2 B3 B4 B5 B6 B7 B8 B9 B10 B11 B12 B13 B14 B15 B16 B17 B18 B19 B20 B21 B23 B24 "
        "B25 B26 B27 B28 B29 B30 B31 B32 B33 B34 B35 B36 B38 B42 B44 B45 B46 B47 B48",
    ),
    _c("E08000028", "Sandwell", _WM, "B66 B67 B68 B69 B70 B71"),
    _c("E08000029", "Solihull", _WM, "B37 B90 B91 B92 B93"),
    _c("E08000027", "Dudley", _WM, "DY1 DY2 DY3 DY5 DY6"),
    _c("E08000030", "Walsall", _WM, "WS1 WS2 WS3 WS4 WS5"),
    _c("E08000031", "Wolverhampton", _WM, "WV1 WV2 WV3 WV4 WV6 WV10 WV11"),
    _c("E08000026", "Coventry", _WM, "CV1 CV2 CV3 CV4 CV5 CV6"),
    _c("E08000003", "Manchester", _NW, "M1 M2 M4 M8 M9 M11 M12 M13 M14 M15 M16 M19 M20 M21 M22 M23"),
    _c("E08000006", "Salford", _NW, "M5 M6 M7 M27 M28 M30"),
    _c("E08000001", "Bolton", _NW, "BL1 BL2 BL3 BL4 BL5 BL6"),
    _c("E08000007", "Stockport", _NW, "SK1 SK2 SK3 SK4 SK5 SK6 SK7"),
    _c(
        "E08000035",
        "Leeds",
        _YH,
        "LS1 LS2 LS3 LS4 LS5 LS6 LS7 LS8 LS9 LS10 LS11 LS12 LS13 LS14 LS15 LS16 LS17 LS25 LS26 LS27 LS28",
    ),
    _c("E08000032", "Bradford", _YH, "BD1 BD2 BD3 BD4 BD5 BD6 BD7 BD8 BD9 BD10 BD13 BD15"),
    _c("E08000019", "Sheffield", _YH, "S1 S2 S3 S4 S5 S6 S7 S8 S9 S10 S11 S12 S13 S14 S17 S20"),
    _c("E06000010", "Kingston upon Hull, City of", _YH, "HU1 HU2 HU3 HU4 HU5 HU6 HU7 HU8 HU9"),
)

# Inward-code letters never include C, I, K, M, O or V (Royal Mail's postcode format).
_INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


# Made-up councils after the built-in ones: ONS-shaped codes in an entity range ONS does not use
# (E99), spread over England's nine regions, with postcode districts in areas starting with Q
# (no real postcode area does), so none of them can be mistaken for a real council or place.
REGIONS: tuple[tuple[str, str], ...] = (
    _NE,
    _NW,
    _YH,
    ("E12000004", "East Midlands"),
    _WM,
    ("E12000006", "East of England"),
    ("E12000007", "London"),
    ("E12000008", "South East"),
    ("E12000009", "South West"),
)
_SYNTHETIC_CODE_PREFIX = "E99"
_DISTRICTS_PER_SYNTHETIC = 6
_COUNCILS_PER_AREA = 16  # 16 councils x 6 districts = districts 1..96 of one "Q?" area
_AREA_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_COUNCILS = len(COUNCILS) + _COUNCILS_PER_AREA * len(_AREA_LETTERS)


def synthetic_council(number: int) -> Council:
    """The made-up council numbered `number` (24 upwards): the same number always gives the same council."""
    if not len(COUNCILS) < number <= MAX_COUNCILS:
        raise ValueError(f"synthetic councils are numbered {len(COUNCILS) + 1}..{MAX_COUNCILS}")
    offset = number - len(COUNCILS) - 1
    region_code, region_name = REGIONS[offset % len(REGIONS)]
    area = "Q" + _AREA_LETTERS[offset // _COUNCILS_PER_AREA]
    first = (offset % _COUNCILS_PER_AREA) * _DISTRICTS_PER_SYNTHETIC + 1
    districts = tuple(f"{area}{n}" for n in range(first, first + _DISTRICTS_PER_SYNTHETIC))
    return Council(
        f"{_SYNTHETIC_CODE_PREFIX}{number:06d}",
        f"Synthetic Council {number:03d}",
        region_code,
        region_name,
        districts,
    )


def councils(count: int) -> tuple[Council, ...]:
    """The first `count` councils: the built-in ones, then made-up ones beyond them."""
    if not 1 <= count <= MAX_COUNCILS:
        raise ValueError(
            f"las must be between 1 and {MAX_COUNCILS} ({len(COUNCILS)} built-in councils, then synthetic ones)"
        )
    extra = tuple(synthetic_council(n) for n in range(len(COUNCILS) + 1, count + 1))
    return COUNCILS[:count] + extra


def reference_councils(count: int) -> tuple[Council, ...]:
    """The councils listed in las.csv and postcode_districts.csv when `count` councils are generated.

    Every built-in council is always listed (so up to 23 councils the reference files are as they
    always were), plus the made-up ones generated.
    """
    return COUNCILS + councils(count)[len(COUNCILS) :]


def council_index(council: Council) -> int:
    """The council's position in generation order (0 for the first), which seeds its random streams."""
    if council in COUNCILS:
        return COUNCILS.index(council)
    return int(council.la_code[len(_SYNTHETIC_CODE_PREFIX) :]) - 1


def neighbour_districts(council: Council) -> tuple[str, ...]:
    """Postcode districts of the other councils in the same region (where out-of-area placements go).

    A made-up council's neighbours are the built-in councils of its region and the made-up ones
    numbered before it, so they are always generated with it whatever the number of councils.
    """
    if council in COUNCILS:
        others: tuple[Council, ...] = COUNCILS
    else:
        others = councils(council_index(council))
    return tuple(
        d
        for c in others
        if c.region_code == council.region_code and c != council
        for d in c.postcode_districts
    )


def random_postcodes(rng: np.random.Generator, districts: tuple[str, ...], n: int) -> np.ndarray:
    """Real-format postcodes ('TS1 4AB') in the given districts."""
    district = np.asarray(districts, dtype=object)[rng.integers(0, len(districts), n)]
    digit = rng.integers(0, 10, n).astype(str)
    letters = _INWARD_LETTERS[rng.integers(0, len(_INWARD_LETTERS), (n, 2))]
    inward = np.char.add(np.char.add(digit, letters[:, 0]), letters[:, 1])
    return (district + " " + inward.astype(object)).astype(object)
