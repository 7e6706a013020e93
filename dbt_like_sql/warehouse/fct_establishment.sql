/*
description: One row per funded establishment line (Establishment) - posts by team and role.
materialized: table
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
FROM {{ ref('stg_establishment') }} AS e
