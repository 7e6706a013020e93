/*
description: One row per foster carer or adopter approval event (CarerApprovals).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, event_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  carer_type: FOSTER or ADOPTER
  event: APPROVED or DEREGISTERED
  event_date: date of the event
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    c.la_code,
    c.extract_month,
    c.carer_type,
    c.event,
    c.event_date,
    c.source_file,
    c.source_line
FROM {{ ref('stg_carer_approvals') }} AS c
