/*
description: SWEpisodes rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  dob: date of birth as recorded in this table
  sw_id: the allocated social worker's identifier
  sw_decom: date the allocation started
  sw_dec: date the allocation ended (blank while open)
  sw_reason: reason the allocation changed
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    se.la_code,
    se.extract_month,
    se.child,
    se.dob,
    se.sw_id,
    se.sw_decom,
    se.sw_dec,
    se.sw_reason,
    se.source_file,
    se.source_line
FROM {{ source('staging', 'sw_episodes') }} AS se
