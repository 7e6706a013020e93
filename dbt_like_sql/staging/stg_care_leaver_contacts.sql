/*
description: CareLeaverContacts rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  dob: date of birth as recorded in this table
  contact_date: date of the contact with the care leaver
  in_touch: in-touch code (OC3 IN_TOUCH)
  activ: main activity code (OC3 ACTIV)
  accom: accommodation code (OC3 ACCOM)
  pathway_plan_date: date of the latest pathway plan
  pa_id: personal adviser identifier
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    clc.la_code,
    clc.extract_month,
    clc.child,
    clc.dob,
    clc.contact_date,
    clc.in_touch,
    clc.activ,
    clc.accom,
    clc.pathway_plan_date,
    clc.pa_id,
    clc.source_file,
    clc.source_line
FROM {{ source('staging', 'care_leaver_contacts') }} AS clc
