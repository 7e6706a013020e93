-- MISSING_AVG_HOURS: mean duration in hours of incidents (type M) ending in the month, from the
-- optional start and end times when present, else 00:00 (numerator = hours, denominator = incidents).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
ended AS (
    SELECT m.la_code, SUM(m.duration_hours) AS hours, COUNT(*) AS incidents
    FROM {{ ref('fct_missing_incident') }} AS m
    WHERE m.missing_type = 'M'
      AND m.end_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY m.la_code
)
SELECT
    c.la_code,
    COALESCE(e.hours, 0) AS numerator,
    COALESCE(e.incidents, 0) AS denominator
FROM councils AS c
LEFT JOIN ended AS e ON e.la_code = c.la_code
