-- SW_AVG_CASELOAD: distinct children looked after at P allocated (SWEpisodes open at P: SW_DECOM
-- <= P and SW_DEC blank or after P) to a worker with role SW in post at P, over the FTE of SW
-- workers in post at P (START_DATE <= P and END_DATE blank or >= P).
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
allocated AS (
    SELECT a.la_code, COUNT(DISTINCT a.child) AS children
    FROM {{ ref('fct_sw_allocation') }} AS a
    JOIN {{ ref('fct_child_month') }} AS cm ON cm.la_code = a.la_code AND cm.child = a.child
    JOIN social_workers AS sw ON sw.la_code = a.la_code AND sw.worker_id = a.sw_id
    WHERE a.sw_decom <= {{ period_end }}
      AND (a.sw_dec IS NULL OR a.sw_dec > {{ period_end }})
    GROUP BY a.la_code
),
capacity AS (
    SELECT sw.la_code, SUM(sw.fte) AS fte
    FROM social_workers AS sw
    GROUP BY sw.la_code
)
SELECT
    c.la_code,
    COALESCE(a.children, 0) AS numerator,
    COALESCE(f.fte, 0) AS denominator
FROM councils AS c
LEFT JOIN allocated AS a ON a.la_code = c.la_code
LEFT JOIN capacity AS f ON f.la_code = c.la_code
