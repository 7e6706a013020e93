/*
description: Schools rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  urn: school unique reference number
  start_date: start date
  end_date: end date (blank while open)
  sen: special educational needs - NONE, SEN_SUPPORT or EHCP
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    s.la_code,
    s.extract_month,
    s.child,
    s.urn,
    s.start_date,
    s.end_date,
    s.sen,
    s.source_file,
    s.source_line
FROM {{ source('staging', 'schools') }} AS s
