/*
description: Workforce rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  worker_id: worker identifier
  role: SW, PA, IRO or TM
  team: team name
  fte: full-time equivalent
  start_date: start date
  end_date: end date (blank while open)
  agency: Y when an agency worker
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
    w.agency,
    w.source_file,
    w.source_line
FROM {{ source('staging', 'workforce') }} AS w
