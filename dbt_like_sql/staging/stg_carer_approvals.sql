/*
description: CarerApprovals rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  carer_type: FOSTER or ADOPTER
  event: APPROVED or DEREGISTERED
  event_date: date of the approval event
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    ca.la_code,
    ca.extract_month,
    ca.carer_type,
    ca.event,
    ca.event_date,
    ca.source_file,
    ca.source_line
FROM {{ source('staging', 'carer_approvals') }} AS ca
