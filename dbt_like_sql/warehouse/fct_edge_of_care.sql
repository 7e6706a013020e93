/*
description: One row per edge-of-care support (EdgeOfCare).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, start_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  service: edge-of-care service
  start_date: date the support started
  end_date: date the support ended (blank while open)
  level: CIN or CP
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    e.la_code,
    e.extract_month,
    e.child,
    e.service,
    e.start_date,
    e.end_date,
    e.level,
    e.source_file,
    e.source_line
FROM {{ ref('stg_edge_of_care') }} AS e
