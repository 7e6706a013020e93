/*
description: Episodes of care as staged from the 903 Episodes table, with respite (short breaks, LS V3/V4) and temporary placements (T0-T4) marked.
materialized: view
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, decom]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  decom: date the episode started
  rne: reason for new episode (S, L, P, T, U, B)
  ls: legal status
  cin: category of need
  place: placement type
  place_provider: placement provider (PR0-PR5)
  dec: date the episode ended (blank while open)
  rec: reason the episode ceased
  reason_place_change: reason for the placement change
  home_post: the child's home postcode
  pl_post: the placement postcode
  urn: Ofsted URN of the placement provider
  is_respite: short-break episode (LS V3 or V4), not counted as care
  is_temporary: temporary placement (PLACE T0-T4), not counted as a placement
  source_file: file the row was read from
  source_line: line of that file
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
    CASE WHEN e.ls IN ('V3', 'V4') THEN TRUE ELSE FALSE END AS is_respite,
    CASE WHEN e.place IN ('T0', 'T1', 'T2', 'T3', 'T4') THEN TRUE ELSE FALSE END AS is_temporary,
    e.source_file,
    e.source_line
FROM {{ source('staging', 'episodes') }} AS e
