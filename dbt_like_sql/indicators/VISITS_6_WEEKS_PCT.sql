-- VISITS_6_WEEKS_PCT: children looked after at P whose current period started at least 42 days
-- before P and who had a STAT visit in the 42 days ending P (P included), over those children.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_visit') }} AS v
            WHERE v.la_code = cm.la_code
              AND v.child = cm.child
              AND v.visit_type = 'STAT'
              AND v.visit_date BETWEEN {{ add_days(period_end, -41) }} AND {{ period_end }}
        ) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    WHERE cm.period_start <= {{ add_days(period_end, -42) }}
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
