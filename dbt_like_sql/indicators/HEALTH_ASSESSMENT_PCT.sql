-- HEALTH_ASSESSMENT_PCT: children looked after at P whose current period started on or before P - 12 months
-- with an initial or review health assessment (IHA or RHA) dated in the 12 calendar months ending P,
-- over those children.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_health_check') }} AS h
            WHERE h.la_code = cm.la_code
              AND h.child = cm.child
              AND h.check_type IN ('IHA', 'RHA')
              AND h.check_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
        ) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    WHERE cm.period_start <= {{ add_months(period_end, -12) }}
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
