/*
description: EdgeOfCare rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  service: edge-of-care service
  start_date: start date
  end_date: end date (blank while open)
  level: CIN or CP
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    eoc.la_code,
    eoc.extract_month,
    eoc.child,
    eoc.service,
    eoc.start_date,
    eoc.end_date,
    eoc.level,
    eoc.source_file,
    eoc.source_line
FROM {{ source('staging', 'edge_of_care') }} AS eoc
