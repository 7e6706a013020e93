/*
description: One row per worker post-holding (Workforce); in post at P when start_date <= P and end_date blank or >= P.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, worker_id, start_date, is_agency]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  worker_id: the worker's identifier
  role: SW, PA, IRO or TM
  team: team name
  fte: full-time equivalent
  start_date: date the worker started
  end_date: date the worker left (blank while in post)
  is_agency: AGENCY is Y
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    w.la_code,
    w.extract_month,
    w.worker_id,
    w.role,
    w.team,
    w.fte,
    w.start_date,
    w.end_date,
    CASE WHEN w.agency = 'Y' THEN TRUE ELSE FALSE END AS is_agency,
    w.source_file,
    w.source_line
FROM {{ ref('stg_workforce') }} AS w
