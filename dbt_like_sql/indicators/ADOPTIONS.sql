-- ADOPTIONS: periods of care ceased with reason E11 or E12 in the 12 calendar months ending P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
adopted AS (
    SELECT pc.la_code, COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.end_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
      AND pc.reason_ceased IN ('E11', 'E12')
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(a.periods, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN adopted AS a ON a.la_code = c.la_code
