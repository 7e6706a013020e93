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
-- The latest row per child and per school as DISTINCT ON, not ROW_NUMBER() = 1: PostgreSQL
-- estimates a row-number filter at a few hundred rows, and with that chose to scan every rating
-- once per child (minutes for a national month); DISTINCT ON it estimates from the statistics.
open_schools AS (
    SELECT DISTINCT ON (s.la_code, s.child)
        s.la_code,
        s.child,
        s.urn
    FROM {{ ref('fct_school') }} AS s
    WHERE s.start_date <= {{ period_end }}
      AND (s.end_date IS NULL OR s.end_date >= {{ period_end }})
    ORDER BY s.la_code, s.child, s.start_date DESC, s.source_line DESC
),
ratings AS (
    SELECT DISTINCT ON (r.urn)
        r.urn,
        r.ofsted_rating
    FROM {{ source('staging', 'ref_school_ratings') }} AS r
    WHERE r.inspected_date <= {{ period_end }}
    ORDER BY r.urn, r.inspected_date DESC
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN r.ofsted_rating IN (1, 2) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    CROSS JOIN school_year AS sy
    JOIN open_schools AS os ON os.la_code = cm.la_code AND os.child = cm.child
    LEFT JOIN ratings AS r ON r.urn = os.urn
    -- aged 4 to 15 on 31 August, written as a range of dates of birth (the same children):
    -- PostgreSQL estimated the age expression at a handful of children and chose nested loops.
    WHERE cm.dob <= {{ add_months('sy.august_31', -48) }}
      AND cm.dob > {{ add_months('sy.august_31', -192) }}
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
