/*
description: One row per social worker allocation (SWEpisodes).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, sw_decom]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  sw_id: the allocated social worker (Workforce WORKER_ID)
  sw_decom: date the allocation started
  sw_dec: date it ended (blank while open; open on d when sw_decom <= d and sw_dec blank or after d)
  sw_reason: reason the allocation changed
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    s.la_code,
    s.extract_month,
    s.child,
    s.sw_id,
    s.sw_decom,
    s.sw_dec,
    s.sw_reason,
    s.source_file,
    s.source_line
FROM {{ ref('stg_sw_episodes') }} AS s
