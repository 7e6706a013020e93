-- CLA_CEASED: periods of care that ended (last DEC) in the month.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
ceased AS (
    SELECT pc.la_code, COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.end_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(s.periods, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN ceased AS s ON s.la_code = c.la_code
