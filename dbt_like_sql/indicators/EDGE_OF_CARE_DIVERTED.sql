-- EDGE_OF_CARE_DIVERTED: children whose edge-of-care support has ended (on or before P) and who
-- did not start a period of care between their support start (earliest START_DATE) and P, both
-- ends included, over all children whose support has ended. No window.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
support AS (
    SELECT
        ec.la_code,
        ec.child,
        MIN(ec.start_date) AS support_start,
        SUM(CASE WHEN ec.end_date IS NULL OR ec.end_date > {{ period_end }} THEN 1 ELSE 0 END) AS rows_open
    FROM {{ ref('fct_edge_of_care') }} AS ec
    WHERE ec.start_date <= {{ period_end }}
    GROUP BY ec.la_code, ec.child
),
ended AS (
    SELECT
        s.la_code,
        s.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_period_of_care') }} AS pc
            WHERE pc.la_code = s.la_code
              AND pc.child = s.child
              AND pc.start_date BETWEEN s.support_start AND {{ period_end }}
        ) THEN 0 ELSE 1 END AS diverted
    FROM support AS s
    WHERE s.rows_open = 0
)
SELECT
    c.la_code,
    COALESCE(SUM(e.diverted), 0) AS numerator,
    COUNT(e.child) AS denominator
FROM councils AS c
LEFT JOIN ended AS e ON e.la_code = c.la_code
GROUP BY c.la_code
