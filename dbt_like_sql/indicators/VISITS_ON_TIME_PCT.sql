-- VISITS_ON_TIME_PCT: STAT visits due in the month made on or before their DUE_DATE, over all
-- STAT visits due in the month (a visit never made counts as late).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
due AS (
    SELECT
        v.la_code,
        SUM(CASE WHEN v.visit_date IS NOT NULL AND v.visit_date <= v.due_date THEN 1 ELSE 0 END) AS on_time,
        COUNT(*) AS visits
    FROM {{ ref('fct_visit') }} AS v
    WHERE v.visit_type = 'STAT'
      AND v.due_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY v.la_code
)
SELECT
    c.la_code,
    COALESCE(d.on_time, 0) AS numerator,
    COALESCE(d.visits, 0) AS denominator
FROM councils AS c
LEFT JOIN due AS d ON d.la_code = c.la_code
