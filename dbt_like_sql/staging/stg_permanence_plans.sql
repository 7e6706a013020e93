/*
description: PermanencePlans rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  plan_type: ADOPTION, SGO, CAO, LONG_TERM_FOSTER, RETURN_HOME or OTHER
  plan_date: date the permanence plan was made
  ratified_date: date the plan was ratified (blank = not yet)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    pp.la_code,
    pp.extract_month,
    pp.child,
    pp.plan_type,
    pp.plan_date,
    pp.ratified_date,
    pp.source_file,
    pp.source_line
FROM {{ source('staging', 'permanence_plans') }} AS pp
