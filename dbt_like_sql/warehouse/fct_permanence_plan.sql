/*
description: One row per permanence plan (PermanencePlans).
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, plan_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  plan_type: ADOPTION, SGO, CAO, LONG_TERM_FOSTER, RETURN_HOME or OTHER
  plan_date: date the plan was made
  ratified_date: date the plan was ratified (blank = not yet)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    p.la_code,
    p.extract_month,
    p.child,
    p.plan_type,
    p.plan_date,
    p.ratified_date,
    p.source_file,
    p.source_line
FROM {{ ref('stg_permanence_plans') }} AS p
