-- SW_CASELOAD_15_20_PCT: SW workers in post at P whose allocated children looked after at P
-- divided by their FTE is between 15 and 20 inclusive (0.5 FTE with 8 children = 16), over SW
-- workers in post at P. A worker with no FTE recorded (or 0) has no caseload per FTE and stays
-- in the denominator only.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
social_workers AS (
    SELECT w.la_code, w.worker_id, SUM(w.fte) AS fte
    FROM {{ ref('fct_workforce') }} AS w
    WHERE w.role = 'SW'
      AND w.start_date <= {{ period_end }}
      AND (w.end_date IS NULL OR w.end_date >= {{ period_end }})
    GROUP BY w.la_code, w.worker_id
),
caseloads AS (
    SELECT a.la_code, a.sw_id, COUNT(DISTINCT a.child) AS children
    FROM {{ ref('fct_sw_allocation') }} AS a
    JOIN {{ ref('fct_child_month') }} AS cm ON cm.la_code = a.la_code AND cm.child = a.child
    WHERE a.sw_decom <= {{ period_end }}
      AND (a.sw_dec IS NULL OR a.sw_dec > {{ period_end }})
    GROUP BY a.la_code, a.sw_id
),
workers AS (
    SELECT
        sw.la_code,
        sw.worker_id,
        CASE
            WHEN sw.fte > 0
             AND COALESCE(cl.children, 0) / CAST(sw.fte AS DOUBLE PRECISION) BETWEEN 15 AND 20 THEN 1
            ELSE 0
        END AS counted
    FROM social_workers AS sw
    LEFT JOIN caseloads AS cl ON cl.la_code = sw.la_code AND cl.sw_id = sw.worker_id
)
SELECT
    c.la_code,
    COALESCE(SUM(w.counted), 0) AS numerator,
    COUNT(w.worker_id) AS denominator
FROM councils AS c
LEFT JOIN workers AS w ON w.la_code = c.la_code
GROUP BY c.la_code
