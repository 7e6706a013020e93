/*
description: One row per school placement (Schools). Ofsted ratings are dated, so the rating as at P is joined by the indicators (staging.ref_school_ratings), not here.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, start_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  urn: school unique reference number
  start_date: date the child started at the school
  end_date: date the child left (blank while open; open at P when start_date <= P and end_date blank or >= P)
  sen: NONE, SEN_SUPPORT or EHCP
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
FROM {{ ref('stg_schools') }} AS s
