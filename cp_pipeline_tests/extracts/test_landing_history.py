"""Landing the same files twice changes nothing; a changed file replaces the month and is recorded."""

from __future__ import annotations

from cp_pipeline.extracts.landing import land_month
from cp_pipeline.warehouse.engine import Warehouse

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def _month(folder, header_rows: list[str]):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text(HEADER + "".join(header_rows))
    (folder / "episodes.csv").write_text(EPISODES + "1,01/01/2024,S,C2,N1,U4,PR1,,,,,,\n")
    (folder / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n")


def test_relanding_is_a_no_op_and_a_changed_file_replaces_the_month(tmp_path):
    folder = tmp_path / "E06000002" / "2024-05"
    _month(folder, ["1,M,01/01/2015,WBRI,,,\n"])
    warehouse = Warehouse(f"duckdb:///{tmp_path}/wh.duckdb")
    try:
        assert land_month(warehouse, folder, "E06000002", "2024-05").action == "landed"
        first_manifest = warehouse.read_frame("SELECT * FROM dq.file_manifest ORDER BY source_file")

        assert land_month(warehouse, folder, "E06000002", "2024-05").action == "unchanged"
        pd_equal = first_manifest.equals(
            warehouse.read_frame("SELECT * FROM dq.file_manifest ORDER BY source_file")
        )
        assert pd_equal, "landing unchanged files must not touch the manifest"

        _month(folder, ["1,M,01/01/2015,WBRI,,,\n", "2,F,02/02/2016,WBRI,,,\n"])
        assert land_month(warehouse, folder, "E06000002", "2024-05").action == "replaced"
        header = warehouse.read_frame("SELECT child FROM staging.header ORDER BY child")
        assert header["child"].tolist() == ["1", "2"]
        assert warehouse.read_frame("SELECT COUNT(*) AS n FROM raw.header")["n"].iloc[0] == 2
        log = warehouse.read_frame("SELECT action, raw_rows FROM dq.landing_log ORDER BY loaded_at, action")
        assert sorted(log["action"]) == ["landed", "replaced"]
        hashes = warehouse.read_frame(
            "SELECT file_sha256 FROM dq.file_manifest WHERE source_file = 'header.csv'"
        )
        assert len(hashes) == 1 and len(hashes["file_sha256"].iloc[0]) == 64
        tables = warehouse.read_frame(
            "SELECT table_name, present FROM dq.extract_tables WHERE table_name IN ('Visits', 'Header')"
        )
        assert dict(zip(tables["table_name"], tables["present"], strict=True)) == {
            "Visits": False,
            "Header": True,
        }
    finally:
        warehouse.dispose()
