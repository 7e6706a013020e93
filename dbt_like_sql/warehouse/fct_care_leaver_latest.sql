/*
description: Each care leaver's latest CareLeaverContacts row on or before the period end (contacts dated after it are ignored), with age at the period end - the cohort every care-leaver indicator reads.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child]
not_null: [la_code, extract_month, child, contact_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the care leaver's CMS identifier
  contact_date: date of the latest contact on or before the period end
  age: whole years at the period end, from the contact's date of birth
  in_touch: in-touch code of the latest contact
  activ: main activity code of the latest contact
  accom: accommodation code of the latest contact
  pathway_plan_date: pathway plan date of the latest contact
  pa_id: personal adviser named on the latest contact
*/
WITH ranked AS (
    SELECT
        cl.la_code,
        cl.extract_month,
        cl.child,
        cl.contact_date,
        cl.dob,
        cl.in_touch,
        cl.activ,
        cl.accom,
        cl.pathway_plan_date,
        cl.pa_id,
        ROW_NUMBER() OVER (
            PARTITION BY cl.la_code, cl.child ORDER BY cl.contact_date DESC, cl.source_line DESC
        ) AS recency
    FROM {{ ref('fct_care_leaver_contact') }} AS cl
    WHERE cl.contact_date <= {{ period_end }}
)
SELECT
    r.la_code,
    r.extract_month,
    r.child,
    r.contact_date,
    {{ age_years('r.dob', period_end) }} AS age,
    r.in_touch,
    r.activ,
    r.accom,
    r.pathway_plan_date,
    r.pa_id
FROM ranked AS r
WHERE r.recency = 1
