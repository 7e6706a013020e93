/*
description: Visits rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  visit_date: date the visit was made (blank = not made)
  due_date: date the CMS scheduled the visit for
  visit_type: STAT (statutory) or OTHER
  seen_alone: Y / N / blank - child seen alone
  worker_id: worker identifier
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
    v.source_file,
    v.source_line
FROM {{ source('staging', 'visits') }} AS v
