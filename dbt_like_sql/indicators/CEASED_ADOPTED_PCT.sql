-- CEASED_ADOPTED_PCT: periods of care ceased in the 12 calendar months ending P with reason
-- E11 or E12 (adopted), over all periods ceased in those months.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
ceased AS (
    SELECT
        pc.la_code,
        SUM(CASE WHEN pc.reason_ceased IN ('E11', 'E12') THEN 1 ELSE 0 END) AS adopted,
        COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.end_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(s.adopted, 0) AS numerator,
    COALESCE(s.periods, 0) AS denominator
FROM councils AS c
LEFT JOIN ceased AS s ON s.la_code = c.la_code
