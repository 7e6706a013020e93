/*
description: Establishment rows as staged (typed, validated), one per source line.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  team: team name
  role: SW, PA, IRO or TM
  posts_fte: funded posts (FTE)
  source_file: file the row was read from
  source_line: line of that file
*/
SELECT
    e.la_code,
    e.extract_month,
    e.team,
    e.role,
    e.posts_fte,
    e.source_file,
    e.source_line
FROM {{ source('staging', 'establishment') }} AS e
