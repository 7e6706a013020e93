/*
description: Episodes of care as staged from the 903 Episodes table, with respite (short breaks, LS V3/V4) marked.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child, decom]
not_null: [la_code, extract_month, child, decom]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  decom: date the episode started
  dec: date the episode ended (blank while open)
  is_respite: short-break episode (LS V3 or V4), not counted as care
*/
SELECT
    e.la_code,
    e.extract_month,
    e.child,
    e.decom,
    e.rne,
    e.ls,
    e.cin,
    e.place,
    e.place_provider,
    e.dec,
    e.rec,
    e.reason_place_change,
    e.home_post,
    e.pl_post,
    e.urn,
    e.ls IN ('V3', 'V4') AS is_respite,
    e.source_file,
    e.source_line
FROM {{ source('staging', 'episodes') }} AS e
