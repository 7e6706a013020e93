/*
description: One row per placement (a run of non-temporary episodes from one that starts a placement to the next placement or temporary spell), respite removed.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child, placement_number]
not_null: [la_code, extract_month, child, placement_number, period_of_care_number, start_date, placement_group, is_adoption_placement]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  placement_number: the child's placement, counted across periods (1 = first)
  period_of_care_number: the period of care holding the placement
  placement_in_period: position of the placement within its period of care (1 = first)
  start_date: DECOM of the placement's first episode
  end_date: DEC of its last episode before the next placement or temporary spell (blank while open)
  place: placement type of the placement's first episode
  place_provider: placement provider of the placement's first episode
  placement_group: placement group of the first episode
  pl_post: placement postcode of the first episode
  urn: Ofsted URN of the first episode
  first_episode_number: episode_number of the placement's first episode
  last_episode_number: episode_number of its last episode
  episodes: number of episodes in the placement (legal-status changes add episodes, not placements)
  is_adoption_placement: PLACE A3-A6 (placed for adoption)
*/
WITH ranked AS (
    SELECT
        e.*,
        ROW_NUMBER() OVER (
            PARTITION BY e.la_code, e.child, e.placement_number ORDER BY e.episode_number
        ) AS position_from_start,
        ROW_NUMBER() OVER (
            PARTITION BY e.la_code, e.child, e.placement_number ORDER BY e.episode_number DESC
        ) AS position_from_end
    FROM {{ ref('fct_episode') }} AS e
    WHERE e.is_temporary = FALSE
),

placements AS (
    SELECT
        r.la_code,
        r.extract_month,
        r.child,
        r.placement_number,
        MIN(r.period_of_care_number) AS period_of_care_number,
        MIN(r.decom) AS start_date,
        MAX(CASE WHEN r.position_from_end = 1 THEN r.dec END) AS end_date,
        MAX(CASE WHEN r.position_from_start = 1 THEN r.place END) AS place,
        MAX(CASE WHEN r.position_from_start = 1 THEN r.place_provider END) AS place_provider,
        MAX(CASE WHEN r.position_from_start = 1 THEN r.placement_group END) AS placement_group,
        MAX(CASE WHEN r.position_from_start = 1 THEN r.pl_post END) AS pl_post,
        MAX(CASE WHEN r.position_from_start = 1 THEN r.urn END) AS urn,
        MIN(r.episode_number) AS first_episode_number,
        MAX(r.episode_number) AS last_episode_number,
        COUNT(*) AS episodes
    FROM ranked AS r
    GROUP BY r.la_code, r.extract_month, r.child, r.placement_number
)

SELECT
    p.la_code,
    p.extract_month,
    p.child,
    p.placement_number,
    p.period_of_care_number,
    ROW_NUMBER() OVER (
        PARTITION BY p.la_code, p.child, p.period_of_care_number ORDER BY p.placement_number
    ) AS placement_in_period,
    p.start_date,
    p.end_date,
    p.place,
    p.place_provider,
    p.placement_group,
    p.pl_post,
    p.urn,
    p.first_episode_number,
    p.last_episode_number,
    p.episodes,
    CASE WHEN p.place IN ('A3', 'A4', 'A5', 'A6') THEN TRUE ELSE FALSE END AS is_adoption_placement
FROM placements AS p
