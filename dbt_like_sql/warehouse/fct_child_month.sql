/*
description: One row per child looked after at P (an episode open at P, respite removed), with who they are, where they live and how long they have been in care - the base of every as-at-P indicator and breakdown.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child]
not_null: [la_code, extract_month, period_end, child, episode_number, period_of_care_number, period_start, placement_group, is_temporary, days_in_care, weeks_in_care, length_band, is_uasc]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  period_end: P, the last day of the extract month
  child: the child's CMS identifier
  sex: M, F or U (blank when the child has no Header row)
  ethnic_group: the 903 major ethnic group
  dob: date of birth
  age: whole years at P
  age_band: under 1, 1-4, 5-9, 10-15 or 16+
  episode_number: the episode open at P (the latest one when the history overlaps)
  legal_status: LS of the episode open at P
  cin: category of need of the episode open at P
  place: PLACE of the episode open at P
  place_provider: PLACE_PROVIDER of the episode open at P
  placement_group: placement group of the episode open at P (a temporary spell counts as other)
  is_temporary: the episode open at P is a temporary placement (T0-T4)
  period_of_care_number: the current period of care
  period_start: start of the current period of care
  placement_number: the current placement, the one holding the episode open at P (for a temporary spell, the placement before it in the same period; blank when there is none)
  placement_start: start of the current placement
  placement_place: PLACE of the current placement (the usual placement during a temporary spell)
  placement_group_usual: placement group of the current placement (the usual placement during a temporary spell)
  days_in_care: days from the start of the current period to P
  weeks_in_care: days_in_care / 7
  length_band: length of the current period at P - under 6 months, 6-12 months, 1-2 years, 2-5 years or 5+ years (month arithmetic, a boundary day goes to the longer band)
  pl_post: placement postcode of the episode open at P
  pl_district: postcode district of pl_post (the postcode without its last 3 characters, trimmed)
  placement_la_code: council the postcode district lies in (reference postcode_districts; the child's own council when the district straddles it)
  is_out_of_area: placement_la_code differs from la_code; blank when the district is unknown
  is_uasc: in the UASC table with DUC blank or after P
  allocated_worker: SW_ID of the SWEpisodes row open at P (the latest started); blank if none
  sen: SEN of the school open at P (START_DATE <= P and END_DATE blank or >= P; the latest started); blank if none
*/
WITH open_episodes AS (
    SELECT
        e.*,
        ROW_NUMBER() OVER (PARTITION BY e.la_code, e.child ORDER BY e.episode_number DESC) AS open_rank
    FROM {{ ref('fct_episode') }} AS e
    WHERE e.decom <= {{ period_end }}
      AND (e.dec IS NULL OR e.dec > {{ period_end }})
),

current_episode AS (
    SELECT
        o.*,
        CASE
            WHEN LENGTH(TRIM(o.pl_post)) > 3
                THEN UPPER(TRIM(SUBSTRING(TRIM(o.pl_post) FROM 1 FOR LENGTH(TRIM(o.pl_post)) - 3)))
        END AS pl_district
    FROM open_episodes AS o
    WHERE o.open_rank = 1
),

current_placement AS (
    SELECT
        c.la_code,
        c.child,
        MAX(e.placement_number) AS placement_number
    FROM current_episode AS c
    INNER JOIN {{ ref('fct_episode') }} AS e
        ON e.la_code = c.la_code
        AND e.child = c.child
        AND e.period_of_care_number = c.period_of_care_number
        AND e.episode_number <= c.episode_number
        AND e.is_temporary = FALSE
    GROUP BY c.la_code, c.child
),

districts AS (
    SELECT
        UPPER(TRIM(r.postcode_district)) AS postcode_district,
        MIN(r.la_code) AS la_code
    FROM {{ source('staging', 'ref_postcode_districts') }} AS r
    GROUP BY UPPER(TRIM(r.postcode_district))
),

own_districts AS (
    SELECT DISTINCT
        UPPER(TRIM(r.postcode_district)) AS postcode_district,
        r.la_code
    FROM {{ source('staging', 'ref_postcode_districts') }} AS r
),

uasc_at_p AS (
    SELECT DISTINCT
        u.la_code,
        u.child
    FROM {{ ref('stg_uasc') }} AS u
    WHERE u.duc IS NULL OR u.duc > {{ period_end }}
),

worker_at_p AS (
    SELECT
        s.la_code,
        s.child,
        s.sw_id,
        ROW_NUMBER() OVER (
            PARTITION BY s.la_code, s.child ORDER BY s.sw_decom DESC, s.source_line DESC
        ) AS worker_rank
    FROM {{ ref('stg_sw_episodes') }} AS s
    WHERE s.sw_decom <= {{ period_end }}
      AND (s.sw_dec IS NULL OR s.sw_dec > {{ period_end }})
),

school_at_p AS (
    SELECT
        s.la_code,
        s.child,
        s.sen,
        ROW_NUMBER() OVER (
            PARTITION BY s.la_code, s.child ORDER BY s.start_date DESC, s.source_line DESC
        ) AS school_rank
    FROM {{ ref('stg_schools') }} AS s
    WHERE s.start_date <= {{ period_end }}
      AND (s.end_date IS NULL OR s.end_date >= {{ period_end }})
),

assembled AS (
    SELECT
        c.la_code,
        c.extract_month,
        {{ period_end }} AS period_end,
        c.child,
        dc.sex,
        dc.ethnic_group,
        dc.dob,
        {{ age_years('dc.dob', period_end) }} AS age,
        c.episode_number,
        c.ls AS legal_status,
        c.cin,
        c.place,
        c.place_provider,
        c.placement_group,
        c.is_temporary,
        c.period_of_care_number,
        poc.start_date AS period_start,
        cp.placement_number,
        pl.start_date AS placement_start,
        pl.place AS placement_place,
        pl.placement_group AS placement_group_usual,
        {{ days_between('poc.start_date', period_end) }} AS days_in_care,
        c.pl_post,
        c.pl_district,
        COALESCE(own.la_code, d.la_code) AS placement_la_code,
        CASE WHEN u.child IS NOT NULL THEN TRUE ELSE FALSE END AS is_uasc,
        w.sw_id AS allocated_worker,
        sc.sen
    FROM current_episode AS c
    LEFT JOIN {{ ref('dim_child') }} AS dc
        ON dc.la_code = c.la_code AND dc.child = c.child
    LEFT JOIN {{ ref('fct_period_of_care') }} AS poc
        ON poc.la_code = c.la_code AND poc.child = c.child AND poc.period_of_care_number = c.period_of_care_number
    LEFT JOIN current_placement AS cp
        ON cp.la_code = c.la_code AND cp.child = c.child
    LEFT JOIN {{ ref('fct_placement') }} AS pl
        ON pl.la_code = c.la_code AND pl.child = c.child AND pl.placement_number = cp.placement_number
    LEFT JOIN own_districts AS own
        ON own.postcode_district = c.pl_district AND own.la_code = c.la_code
    LEFT JOIN districts AS d
        ON d.postcode_district = c.pl_district
    LEFT JOIN uasc_at_p AS u
        ON u.la_code = c.la_code AND u.child = c.child
    LEFT JOIN worker_at_p AS w
        ON w.la_code = c.la_code AND w.child = c.child AND w.worker_rank = 1
    LEFT JOIN school_at_p AS sc
        ON sc.la_code = c.la_code AND sc.child = c.child AND sc.school_rank = 1
)

SELECT
    a.la_code,
    a.extract_month,
    a.period_end,
    a.child,
    a.sex,
    a.ethnic_group,
    a.dob,
    a.age,
    CASE
        WHEN a.age IS NULL THEN NULL
        WHEN a.age < 1 THEN 'under 1'
        WHEN a.age < 5 THEN '1-4'
        WHEN a.age < 10 THEN '5-9'
        WHEN a.age < 16 THEN '10-15'
        ELSE '16+'
    END AS age_band,
    a.episode_number,
    a.legal_status,
    a.cin,
    a.place,
    a.place_provider,
    a.placement_group,
    a.is_temporary,
    a.period_of_care_number,
    a.period_start,
    a.placement_number,
    a.placement_start,
    a.placement_place,
    a.placement_group_usual,
    a.days_in_care,
    CAST(a.days_in_care AS DOUBLE PRECISION) / 7 AS weeks_in_care,
    CASE
        WHEN a.period_start > {{ add_months(period_end, -6) }} THEN 'under 6 months'
        WHEN a.period_start > {{ add_months(period_end, -12) }} THEN '6-12 months'
        WHEN a.period_start > {{ add_months(period_end, -24) }} THEN '1-2 years'
        WHEN a.period_start > {{ add_months(period_end, -60) }} THEN '2-5 years'
        ELSE '5+ years'
    END AS length_band,
    a.pl_post,
    a.pl_district,
    a.placement_la_code,
    CASE
        WHEN a.placement_la_code IS NULL THEN NULL
        WHEN a.placement_la_code <> a.la_code THEN TRUE
        ELSE FALSE
    END AS is_out_of_area,
    a.is_uasc,
    a.allocated_worker,
    a.sen
FROM assembled AS a
