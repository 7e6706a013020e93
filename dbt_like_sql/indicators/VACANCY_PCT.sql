-- VACANCY_PCT: (establishment FTE - FTE in post at P) over establishment FTE, all roles and teams
-- together (numerator = vacant FTE, denominator = establishment FTE). In post at P: START_DATE <= P
-- and END_DATE blank or >= P, agency workers included.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
establishment AS (
    SELECT es.la_code, SUM(es.posts_fte) AS fte
    FROM {{ ref('fct_establishment') }} AS es
    GROUP BY es.la_code
),
in_post AS (
    SELECT w.la_code, SUM(w.fte) AS fte
    FROM {{ ref('fct_workforce') }} AS w
    WHERE w.start_date <= {{ period_end }}
      AND (w.end_date IS NULL OR w.end_date >= {{ period_end }})
    GROUP BY w.la_code
)
SELECT
    c.la_code,
    COALESCE(e.fte, 0) - COALESCE(p.fte, 0) AS numerator,
    COALESCE(e.fte, 0) AS denominator
FROM councils AS c
LEFT JOIN establishment AS e ON e.la_code = c.la_code
LEFT JOIN in_post AS p ON p.la_code = c.la_code
