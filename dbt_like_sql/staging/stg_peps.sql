/*
description: PEPs rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  pep_date: date of the personal education plan
  pep_status: COMPLETE or DRAFT
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    p.la_code,
    p.extract_month,
    p.child,
    p.pep_date,
    p.pep_status,
    p.source_file,
    p.source_line
FROM {{ source('staging', 'peps') }} AS p
