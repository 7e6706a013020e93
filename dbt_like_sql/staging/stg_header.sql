/*
description: Header rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  sex: sex as recorded (1/2 before 2024-25, M/F/U after)
  dob: date of birth as recorded in this table
  ethnic: ethnicity code (903 ETHNIC)
  upn: unique pupil number (personal data - never exposed in bi)
  mother: 1 when the child is a mother
  mc_dob: date of birth of the mother's first child
  sex_code: sex normalised to M / F / U (1 = M, 2 = F)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    h.la_code,
    h.extract_month,
    h.child,
    h.sex,
    h.dob,
    h.ethnic,
    h.upn,
    h.mother,
    h.mc_dob,
    CASE WHEN h.sex IN ('1', 'M') THEN 'M' WHEN h.sex IN ('2', 'F') THEN 'F' ELSE 'U' END AS sex_code,
    h.source_file,
    h.source_line
FROM {{ source('staging', 'header') }} AS h
