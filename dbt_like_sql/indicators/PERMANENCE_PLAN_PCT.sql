-- PERMANENCE_PLAN_PCT: children looked after at P whose current period started on or before
-- P - 4 months and who have any PermanencePlans row with RATIFIED_DATE on or before P, over
-- children looked after at P whose current period started on or before P - 4 months.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_permanence_plan') }} AS pp
            WHERE pp.la_code = cm.la_code
              AND pp.child = cm.child
              AND pp.ratified_date <= {{ period_end }}
        ) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    WHERE cm.period_start <= {{ add_months(period_end, -4) }}
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
