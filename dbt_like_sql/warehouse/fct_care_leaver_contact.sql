/*
description: One row per contact with a care leaver (CareLeaverContacts), with EET and suitable-accommodation flags (OC3 conventions).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, contact_date, is_eet, is_suitable_accommodation]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the care leaver's CMS identifier
  dob: date of birth (care-leaver ages are taken from it)
  contact_date: date of the contact
  in_touch: in-touch code (YES, NO, DIED, REFU, NREQ, RHOM)
  activ: main activity code
  accom: accommodation code
  pathway_plan_date: date of the latest pathway plan
  pa_id: personal adviser identifier
  is_eet: ACTIV is an education, employment or training code (F1, P1, F2, P2, F4, P4, F5, P5, and the legacy F3, P3)
  is_suitable_accommodation: ACCOM ends in 1
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    c.la_code,
    c.extract_month,
    c.child,
    c.dob,
    c.contact_date,
    c.in_touch,
    c.activ,
    c.accom,
    c.pathway_plan_date,
    c.pa_id,
    CASE
        WHEN c.activ IN ('F1', 'P1', 'F2', 'P2', 'F3', 'P3', 'F4', 'P4', 'F5', 'P5') THEN TRUE
        ELSE FALSE
    END AS is_eet,
    CASE WHEN c.accom LIKE '%1' THEN TRUE ELSE FALSE END AS is_suitable_accommodation,
    c.source_file,
    c.source_line
FROM {{ ref('stg_care_leaver_contacts') }} AS c
