-- SUPERVISION_IN_MONTH_PCT: children looked after at P with a Supervisions row dated in the
-- month, over children looked after at P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_supervision') }} AS s
            WHERE s.la_code = cm.la_code
              AND s.child = cm.child
              AND s.supervision_date BETWEEN {{ month_first_day }} AND {{ period_end }}
        ) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
