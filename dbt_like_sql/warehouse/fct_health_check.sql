/*
description: One row per health check (HealthChecks) - initial and review health assessments, dental checks and SDQ scores.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, check_date]
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
    h.la_code,
    h.extract_month,
    h.child,
    h.check_type,
    h.check_date,
    h.sdq_score,
    h.source_file,
    h.source_line
FROM {{ ref('stg_health_checks') }} AS h
