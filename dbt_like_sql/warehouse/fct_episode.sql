/*
description: One row per episode of care (respite removed), numbered within the child's history.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child, decom]
not_null: [la_code, extract_month, child, decom, episode_number]
columns:
  episode_number: position of the episode in the child's history (1 = first)
*/
SELECT
    e.la_code,
    e.extract_month,
    e.child,
    e.decom,
    e.dec,
    e.rne,
    e.ls,
    e.cin,
    e.place,
    e.place_provider,
    e.rec,
    e.reason_place_change,
    e.pl_post,
    ROW_NUMBER() OVER (PARTITION BY e.la_code, e.child ORDER BY e.decom, e.source_line) AS episode_number
FROM {{ ref('stg_episodes') }} AS e
WHERE NOT e.is_respite
