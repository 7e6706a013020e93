/*
description: HealthChecks rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  check_type: IHA, RHA, DENTAL or SDQ
  check_date: date of the check
  sdq_score: strengths and difficulties score (0-40, SDQ checks)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    hc.la_code,
    hc.extract_month,
    hc.child,
    hc.check_type,
    hc.check_date,
    hc.sdq_score,
    hc.source_file,
    hc.source_line
FROM {{ source('staging', 'health_checks') }} AS hc
