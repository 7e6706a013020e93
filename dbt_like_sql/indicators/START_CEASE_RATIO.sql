-- START_CEASE_RATIO: periods started over periods ceased, both in the 6 calendar months ending P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
started AS (
    SELECT pc.la_code, COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.start_date BETWEEN {{ add_months(month_first_day, -5) }} AND {{ period_end }}
    GROUP BY pc.la_code
),
ceased AS (
    SELECT pc.la_code, COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.end_date BETWEEN {{ add_months(month_first_day, -5) }} AND {{ period_end }}
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(s.periods, 0) AS numerator,
    COALESCE(e.periods, 0) AS denominator
FROM councils AS c
LEFT JOIN started AS s ON s.la_code = c.la_code
LEFT JOIN ceased AS e ON e.la_code = c.la_code
