-- GOOD_SCHOOL_PCT: school-age children looked after at P (as PEP_6_MONTHS_PCT) with a school open
-- at P whose latest Ofsted rating on or before P is 1 or 2, over school-age children looked after
-- at P with a school open at P. With two schools open at P, the one started last is the school;
-- a school with no rating stays in the denominator.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
school_year AS (
    SELECT {{ add_days(add_months("CAST(DATE_TRUNC('year', " ~ add_months(period_end, -8) ~ ") AS DATE)", 7), 30) }} AS august_31
),
open_schools AS (
    SELECT
        s.la_code,
        s.child,
        s.urn,
        ROW_NUMBER() OVER (
            PARTITION BY s.la_code, s.child ORDER BY s.start_date DESC, s.source_line DESC
        ) AS recency
    FROM {{ ref('fct_school') }} AS s
    WHERE s.start_date <= {{ period_end }}
      AND (s.end_date IS NULL OR s.end_date >= {{ period_end }})
),
ratings AS (
    SELECT
        r.urn,
        r.ofsted_rating,
        ROW_NUMBER() OVER (PARTITION BY r.urn ORDER BY r.inspected_date DESC) AS recency
    FROM {{ source('staging', 'ref_school_ratings') }} AS r
    WHERE r.inspected_date <= {{ period_end }}
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN r.ofsted_rating IN (1, 2) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    CROSS JOIN school_year AS sy
    JOIN open_schools AS os ON os.la_code = cm.la_code AND os.child = cm.child AND os.recency = 1
    LEFT JOIN ratings AS r ON r.urn = os.urn AND r.recency = 1
    WHERE {{ age_years('cm.dob', 'sy.august_31') }} BETWEEN 4 AND 15
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
