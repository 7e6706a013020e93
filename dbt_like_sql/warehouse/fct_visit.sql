/*
description: One row per scheduled visit (Visits), with whether it was made by its due date (a visit never made is late).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, due_date, is_on_time]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  visit_date: date the visit was made (blank = not made)
  due_date: date the CMS scheduled the visit for
  visit_type: STAT (statutory) or OTHER
  seen_alone: Y / N / blank
  worker_id: the visiting worker
  is_on_time: visit made on or before its due date
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    v.la_code,
    v.extract_month,
    v.child,
    v.visit_date,
    v.due_date,
    v.visit_type,
    v.seen_alone,
    v.worker_id,
    CASE WHEN v.visit_date IS NOT NULL AND v.visit_date <= v.due_date THEN TRUE ELSE FALSE END AS is_on_time,
    v.source_file,
    v.source_line
FROM {{ ref('stg_visits') }} AS v
