-- AGENCY_PCT: FTE of agency workers in post at P over FTE of all workers in post at P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
in_post AS (
    SELECT
        w.la_code,
        SUM(CASE WHEN w.is_agency THEN w.fte ELSE 0 END) AS agency_fte,
        SUM(w.fte) AS fte
    FROM {{ ref('fct_workforce') }} AS w
    WHERE w.start_date <= {{ period_end }}
      AND (w.end_date IS NULL OR w.end_date >= {{ period_end }})
    GROUP BY w.la_code
)
SELECT
    c.la_code,
    COALESCE(p.agency_fte, 0) AS numerator,
    COALESCE(p.fte, 0) AS denominator
FROM councils AS c
LEFT JOIN in_post AS p ON p.la_code = c.la_code
