/*
description: One row per episode of care (respite removed), in date order within the child's history, with its period of care, its placement and its placement group.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child, episode_number]
not_null: [la_code, extract_month, child, decom, episode_number, period_of_care_number, is_temporary, starts_placement, placement_group]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  episode_number: position of the episode in the child's history (1 = first), by DECOM
  decom: date the episode started
  dec: date the episode ended (blank while open)
  rne: reason for new episode (S, L, P, T, U, B)
  ls: legal status
  cin: category of need
  place: placement type
  place_provider: placement provider
  rec: reason the episode ceased
  reason_place_change: reason for the placement change
  home_post: the child's home postcode
  pl_post: the placement postcode
  urn: Ofsted URN of the placement provider
  period_of_care_number: the child's period of care (1 = first); an episode whose DECOM equals the previous episode's DEC continues the period, any other starts a new one
  starts_period: first episode of its period of care
  is_temporary: temporary placement (PLACE T0-T4), not counted as a placement
  starts_placement: the episode starts a placement - the first non-temporary episode of a period, an episode with RNE P, T, B or U, or the return from a temporary spell; never a temporary episode
  placement_number: running count of the child's placements (across periods) that this episode belongs to; blank for temporary episodes
  placement_group: group of the episode's PLACE and PLACE_PROVIDER (indicators.md table, as dim_placement_group)
*/
WITH ordered AS (
    SELECT
        e.*,
        ROW_NUMBER() OVER (
            PARTITION BY e.la_code, e.child
            ORDER BY e.decom, e.dec NULLS LAST, e.source_file, e.source_line
        ) AS episode_number
    FROM {{ ref('stg_episodes') }} AS e
    WHERE e.is_respite = FALSE
),

linked AS (
    SELECT
        o.*,
        CASE
            WHEN LAG(o.dec) OVER (PARTITION BY o.la_code, o.child ORDER BY o.episode_number) = o.decom THEN 0
            ELSE 1
        END AS new_period
    FROM ordered AS o
),

periods AS (
    SELECT
        l.*,
        CAST(SUM(l.new_period) OVER (
            PARTITION BY l.la_code, l.child ORDER BY l.episode_number ROWS UNBOUNDED PRECEDING
        ) AS BIGINT) AS period_of_care_number
    FROM linked AS l
),

placements AS (
    SELECT
        p.*,
        CASE
            WHEN p.is_temporary THEN FALSE
            WHEN p.new_period = 1 THEN TRUE
            WHEN p.rne IN ('P', 'T', 'B', 'U') THEN TRUE
            -- After a temporary spell (or a period that opened with one) the usual placement
            -- has ended, so whatever follows is a new placement even when coded L.
            WHEN LAG(p.is_temporary) OVER (
                PARTITION BY p.la_code, p.child, p.period_of_care_number ORDER BY p.episode_number
            ) THEN TRUE
            ELSE FALSE
        END AS starts_placement
    FROM periods AS p
)

SELECT
    p.la_code,
    p.extract_month,
    p.child,
    p.episode_number,
    p.decom,
    p.dec,
    p.rne,
    p.ls,
    p.cin,
    p.place,
    p.place_provider,
    p.rec,
    p.reason_place_change,
    p.home_post,
    p.pl_post,
    p.urn,
    p.period_of_care_number,
    CASE WHEN p.new_period = 1 THEN TRUE ELSE FALSE END AS starts_period,
    p.is_temporary,
    p.starts_placement,
    CASE
        WHEN p.is_temporary THEN NULL
        ELSE CAST(SUM(CASE WHEN p.starts_placement THEN 1 ELSE 0 END) OVER (
            PARTITION BY p.la_code, p.child ORDER BY p.episode_number ROWS UNBOUNDED PRECEDING
        ) AS BIGINT)
    END AS placement_number,
    CASE
        WHEN p.place IN ('U1', 'U2', 'U3') THEN 'connected-person foster'
        WHEN p.place IN ('U4', 'U5', 'U6') AND p.place_provider = 'PR1' THEN 'in-house foster'
        WHEN p.place IN ('U4', 'U5', 'U6') THEN 'agency (IFA) foster'
        WHEN p.place = 'P1' THEN 'placed with parents'
        WHEN p.place IN ('A3', 'A4', 'A5', 'A6') THEN 'placed for adoption'
        WHEN p.place IN ('K2', 'R1') AND p.place_provider = 'PR1' THEN 'in-house residential'
        WHEN p.place IN ('K2', 'R1') THEN 'external residential'
        WHEN p.place = 'S1' THEN 'residential school'
        WHEN p.place = 'K1' THEN 'secure'
        WHEN p.place IN ('H5', 'P2', 'K3') THEN 'supported / independent living'
        ELSE 'other'
    END AS placement_group
FROM placements AS p
