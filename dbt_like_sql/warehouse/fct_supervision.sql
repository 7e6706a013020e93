/*
description: One row per recorded management supervision of a child's case (Supervisions).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, supervision_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  supervision_date: date of the supervision
  worker_id: the supervising worker
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    s.la_code,
    s.extract_month,
    s.child,
    s.supervision_date,
    s.worker_id,
    s.source_file,
    s.source_line
FROM {{ ref('stg_supervisions') }} AS s
