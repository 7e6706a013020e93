/*
description: One row per adopted child and period of care (periods ceased E11 or E12), plus every child with an AD1 row (placed in the period holding its DATE_INT, else the latest period started on or before it), with the dates the adoption measures need.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child, period_key]
not_null: [la_code, extract_month, child, period_key, is_adopted]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  period_key: period_of_care_number, 0 when the AD1 row matches no period
  period_of_care_number: the period of care (blank when the AD1 row matches no period)
  period_start: start of the period of care (entering care)
  placement_order_date: DECOM of the period's first episode with LS E1 (placement order)
  date_decision: date of the decision that the child should be placed for adoption - AD1 DATE_INT, else PlacedAdoption DATE_PLACED
  date_match: AD1 DATE_MATCH (matched with prospective adopters)
  foster_care: AD1 FOSTER_CARE (1 = adopted by the foster carers)
  moved_in_date: the period's placed_for_adoption_date (DECOM of its first A3-A6 episode, moving in with the adoptive family)
  adopted_date: end of the period when it ceased E11 or E12
  reason_ceased: REC of the period's last episode (blank while open)
  is_adopted: the period ceased E11 or E12
*/
WITH periods AS (
    SELECT
        p.*
    FROM {{ ref('fct_period_of_care') }} AS p
),

ad1_placed AS (
    SELECT
        a.la_code,
        a.extract_month,
        a.child,
        a.date_int,
        a.date_match,
        a.foster_care,
        a.source_line,
        COALESCE(holding.period_of_care_number, earlier.period_of_care_number, 0) AS period_key,
        ROW_NUMBER() OVER (
            PARTITION BY a.la_code, a.source_file, a.source_line
            ORDER BY
                CASE WHEN holding.period_of_care_number IS NULL THEN 1 ELSE 0 END,
                earlier.start_date DESC
        ) AS match_rank
    FROM {{ ref('stg_ad1') }} AS a
    LEFT JOIN periods AS holding
        ON holding.la_code = a.la_code
        AND holding.child = a.child
        AND holding.start_date <= a.date_int
        AND (holding.end_date IS NULL OR a.date_int <= holding.end_date)
    LEFT JOIN periods AS earlier
        ON earlier.la_code = a.la_code
        AND earlier.child = a.child
        AND earlier.start_date <= a.date_int
),

ad1 AS (
    -- The latest AD1 row of each child and period.
    SELECT
        x.la_code,
        x.extract_month,
        x.child,
        x.period_key,
        x.date_int,
        x.date_match,
        x.foster_care,
        ROW_NUMBER() OVER (
            PARTITION BY x.la_code, x.child, x.period_key ORDER BY x.date_int DESC, x.source_line DESC
        ) AS row_rank
    FROM ad1_placed AS x
    WHERE x.match_rank = 1
),

placed_adoption AS (
    SELECT
        pa.la_code,
        pa.child,
        COALESCE(p.period_of_care_number, 0) AS period_key,
        MAX(pa.date_placed) AS date_placed
    FROM {{ ref('stg_placed_adoption') }} AS pa
    LEFT JOIN periods AS p
        ON p.la_code = pa.la_code
        AND p.child = pa.child
        AND p.start_date <= pa.date_placed
        AND (p.end_date IS NULL OR pa.date_placed <= p.end_date)
    GROUP BY pa.la_code, pa.child, COALESCE(p.period_of_care_number, 0)
),

cohort AS (
    SELECT
        p.la_code,
        p.extract_month,
        p.child,
        p.period_of_care_number AS period_key
    FROM periods AS p
    WHERE p.reason_ceased IN ('E11', 'E12')
    UNION
    SELECT
        a.la_code,
        a.extract_month,
        a.child,
        a.period_key
    FROM ad1 AS a
    WHERE a.row_rank = 1
)

SELECT
    c.la_code,
    c.extract_month,
    c.child,
    c.period_key,
    p.period_of_care_number,
    p.start_date AS period_start,
    p.placement_order_date,
    COALESCE(a.date_int, pa.date_placed) AS date_decision,
    a.date_match,
    a.foster_care,
    p.placed_for_adoption_date AS moved_in_date,
    CASE WHEN p.reason_ceased IN ('E11', 'E12') THEN p.end_date END AS adopted_date,
    p.reason_ceased,
    CASE WHEN p.reason_ceased IN ('E11', 'E12') THEN TRUE ELSE FALSE END AS is_adopted
FROM cohort AS c
LEFT JOIN periods AS p
    ON p.la_code = c.la_code AND p.child = c.child AND p.period_of_care_number = c.period_key
LEFT JOIN ad1 AS a
    ON a.la_code = c.la_code AND a.child = c.child AND a.period_key = c.period_key AND a.row_rank = 1
LEFT JOIN placed_adoption AS pa
    ON pa.la_code = c.la_code AND pa.child = c.child AND pa.period_key = c.period_key
