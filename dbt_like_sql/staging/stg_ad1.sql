/*
description: AD1 rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  dob: date of birth as recorded in this table
  date_int: date of the decision that the child should be placed for adoption (AD1)
  date_match: date the child was matched with prospective adopters
  foster_care: 1 when adopted by the child's foster carers
  nb_adoptr: number of adopters
  sex_adoptr: sex of the adopters
  ls_adoptr: legal status of the adopters
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    a.la_code,
    a.extract_month,
    a.child,
    a.dob,
    a.date_int,
    a.date_match,
    a.foster_care,
    a.nb_adoptr,
    a.sex_adoptr,
    a.ls_adoptr,
    a.source_file,
    a.source_line
FROM {{ source('staging', 'ad1') }} AS a
