-- STABILITY_LONG_TERM: children looked after at P, aged under 16, whose current period of care
-- started on or before P - 30 months; numerator those whose current placement started on or
-- before P - 24 months, or who are placed for adoption (PLACE A3-A6) and whose previous
-- non-temporary placement in the same period started on or before P - 24 months.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
cohort AS (
    SELECT cm.la_code, cm.child, cm.place, cm.period_start, cm.placement_start
    FROM {{ ref('fct_child_month') }} AS cm
    WHERE {{ age_years('cm.dob', period_end) }} < 16
      AND cm.period_start <= {{ add_months(period_end, -30) }}
),
before_adoption AS (
    SELECT k.la_code, k.child, MAX(p.start_date) AS previous_start
    FROM cohort AS k
    JOIN {{ ref('fct_placement') }} AS p
      ON p.la_code = k.la_code
     AND p.child = k.child
     AND p.start_date >= k.period_start
     AND p.start_date < k.placement_start
    WHERE k.place IN ('A3', 'A4', 'A5', 'A6')
    GROUP BY k.la_code, k.child
),
stable AS (
    SELECT
        k.la_code,
        k.child,
        CASE
            WHEN k.placement_start <= {{ add_months(period_end, -24) }} THEN 1
            WHEN b.previous_start <= {{ add_months(period_end, -24) }} THEN 1
            ELSE 0
        END AS counted
    FROM cohort AS k
    LEFT JOIN before_adoption AS b ON b.la_code = k.la_code AND b.child = k.child
)
SELECT
    c.la_code,
    COALESCE(SUM(s.counted), 0) AS numerator,
    COUNT(s.child) AS denominator
FROM councils AS c
LEFT JOIN stable AS s ON s.la_code = c.la_code
GROUP BY c.la_code
