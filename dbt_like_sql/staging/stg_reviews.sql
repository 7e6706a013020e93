/*
description: Reviews rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  dob: date of birth as recorded in this table
  review: date the looked-after review was held
  review_code: how the child took part in the review (PN0-PN7)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    r.la_code,
    r.extract_month,
    r.child,
    r.dob,
    r.review,
    r.review_code,
    r.source_file,
    r.source_line
FROM {{ source('staging', 'reviews') }} AS r
