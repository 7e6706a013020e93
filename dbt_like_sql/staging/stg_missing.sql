/*
description: Missing rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  dob: date of birth as recorded in this table
  missing: M missing, A away from placement without authorisation
  mis_start: date the incident started
  mis_end: date the incident ended (blank while open)
  mis_start_time: time the incident started (HH:MM, optional)
  mis_end_time: time the incident ended (HH:MM, optional)
  rhi_date: date a return-home interview was held (blank = none)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    m.la_code,
    m.extract_month,
    m.child,
    m.dob,
    m.missing,
    m.mis_start,
    m.mis_end,
    m.mis_start_time,
    m.mis_end_time,
    m.rhi_date,
    m.source_file,
    m.source_line
FROM {{ source('staging', 'missing') }} AS m
