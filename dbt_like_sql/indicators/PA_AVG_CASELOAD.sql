-- PA_AVG_CASELOAD: care leavers aged 19-21 at P (latest contact on or before P) whose latest
-- contact names a personal adviser (PA_ID), over the FTE of PA workers in post at P
-- (START_DATE <= P and END_DATE blank or >= P).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
allocated AS (
    SELECT l.la_code, COUNT(DISTINCT l.child) AS care_leavers
    FROM {{ ref('fct_care_leaver_latest') }} AS l
    WHERE l.pa_id IS NOT NULL
      AND l.age BETWEEN 19 AND 21
    GROUP BY l.la_code
),
advisers AS (
    SELECT w.la_code, SUM(w.fte) AS fte
    FROM {{ ref('fct_workforce') }} AS w
    WHERE w.role = 'PA'
      AND w.start_date <= {{ period_end }}
      AND (w.end_date IS NULL OR w.end_date >= {{ period_end }})
    GROUP BY w.la_code
)
SELECT
    c.la_code,
    COALESCE(a.care_leavers, 0) AS numerator,
    COALESCE(p.fte, 0) AS denominator
FROM councils AS c
LEFT JOIN allocated AS a ON a.la_code = c.la_code
LEFT JOIN advisers AS p ON p.la_code = c.la_code
