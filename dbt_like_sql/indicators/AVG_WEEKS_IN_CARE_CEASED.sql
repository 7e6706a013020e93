-- AVG_WEEKS_IN_CARE_CEASED: mean of (end - start) / 7 over periods of care ceased in the month
-- (numerator = sum of weeks, denominator = periods).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
ceased AS (
    SELECT
        pc.la_code,
        SUM({{ days_between('pc.start_date', 'pc.end_date') }} / 7.0) AS weeks,
        COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.end_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(s.weeks, 0) AS numerator,
    COALESCE(s.periods, 0) AS denominator
FROM councils AS c
LEFT JOIN ceased AS s ON s.la_code = c.la_code
