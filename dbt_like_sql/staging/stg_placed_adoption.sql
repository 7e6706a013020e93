/*
description: PlacedAdoption rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  dob: date of birth as recorded in this table
  date_placed: date of the decision that the child should be placed for adoption
  date_placed_ceased: date that decision ceased
  reason_placed_ceased: why the decision ceased
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    pa.la_code,
    pa.extract_month,
    pa.child,
    pa.dob,
    pa.date_placed,
    pa.date_placed_ceased,
    pa.reason_placed_ceased,
    pa.source_file,
    pa.source_line
FROM {{ source('staging', 'placed_adoption') }} AS pa
