/*
description: UASC rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  sex: sex as recorded (1/2 before 2024-25, M/F/U after)
  dob: date of birth as recorded in this table
  duc: date the child ceased to be an unaccompanied asylum-seeking child
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    u.la_code,
    u.extract_month,
    u.child,
    u.sex,
    u.dob,
    u.duc,
    u.source_file,
    u.source_line
FROM {{ source('staging', 'uasc') }} AS u
