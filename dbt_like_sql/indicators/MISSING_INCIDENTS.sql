-- MISSING_INCIDENTS: Missing rows of type M starting in the month.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
incidents AS (
    SELECT m.la_code, COUNT(*) AS incidents
    FROM {{ ref('fct_missing_incident') }} AS m
    WHERE m.missing_type = 'M'
      AND m.start_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY m.la_code
)
SELECT
    c.la_code,
    COALESCE(i.incidents, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN incidents AS i ON i.la_code = c.la_code
