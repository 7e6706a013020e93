/*
description: One row per period of care (a run of episodes each starting the day the previous one ended), respite removed. Periods ending after P stay; as-at-P logic belongs to fct_child_month and the indicators.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child, period_of_care_number]
not_null: [la_code, extract_month, child, period_of_care_number, start_date, episodes]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  period_of_care_number: the child's period of care (1 = first)
  start_date: DECOM of the period's first episode
  end_date: DEC of the period's last episode (blank while open)
  reason_ceased: REC of the last episode (blank while open)
  first_rne: RNE of the first episode (S unless the history is broken)
  first_cin: category of need of the first episode
  first_ls: legal status of the first episode
  first_place: placement type of the first episode
  last_episode_number: episode_number of the period's last episode
  episodes: number of episodes in the period
  placements: number of placements started in the period (temporary spells not counted)
  placed_for_adoption_date: DECOM of the first episode of the period with PLACE A3-A6 (moving in with the adoptive family), else blank
  placement_order_date: DECOM of the first episode of the period with LS E1 (placement order), else blank
*/
WITH ranked AS (
    SELECT
        e.*,
        ROW_NUMBER() OVER (
            PARTITION BY e.la_code, e.child, e.period_of_care_number ORDER BY e.episode_number
        ) AS position_from_start,
        ROW_NUMBER() OVER (
            PARTITION BY e.la_code, e.child, e.period_of_care_number ORDER BY e.episode_number DESC
        ) AS position_from_end
    FROM {{ ref('fct_episode') }} AS e
)

SELECT
    r.la_code,
    r.extract_month,
    r.child,
    r.period_of_care_number,
    MIN(r.decom) AS start_date,
    MAX(CASE WHEN r.position_from_end = 1 THEN r.dec END) AS end_date,
    MAX(CASE WHEN r.position_from_end = 1 AND r.dec IS NOT NULL THEN r.rec END) AS reason_ceased,
    MAX(CASE WHEN r.position_from_start = 1 THEN r.rne END) AS first_rne,
    MAX(CASE WHEN r.position_from_start = 1 THEN r.cin END) AS first_cin,
    MAX(CASE WHEN r.position_from_start = 1 THEN r.ls END) AS first_ls,
    MAX(CASE WHEN r.position_from_start = 1 THEN r.place END) AS first_place,
    MAX(r.episode_number) AS last_episode_number,
    COUNT(*) AS episodes,
    CAST(SUM(CASE WHEN r.starts_placement THEN 1 ELSE 0 END) AS BIGINT) AS placements,
    MIN(CASE WHEN r.place IN ('A3', 'A4', 'A5', 'A6') THEN r.decom END) AS placed_for_adoption_date,
    MIN(CASE WHEN r.ls = 'E1' THEN r.decom END) AS placement_order_date
FROM ranked AS r
GROUP BY r.la_code, r.extract_month, r.child, r.period_of_care_number
