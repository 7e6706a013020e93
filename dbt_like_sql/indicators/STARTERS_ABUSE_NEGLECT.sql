-- STARTERS_ABUSE_NEGLECT: periods started in the 6 calendar months ending P whose first episode
-- has CIN N1 (abuse or neglect), over all periods started in those months.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
started AS (
    SELECT
        pc.la_code,
        SUM(CASE WHEN pc.first_cin = 'N1' THEN 1 ELSE 0 END) AS abuse_neglect,
        COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.start_date BETWEEN {{ add_months(month_first_day, -5) }} AND {{ period_end }}
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(s.abuse_neglect, 0) AS numerator,
    COALESCE(s.periods, 0) AS denominator
FROM councils AS c
LEFT JOIN started AS s ON s.la_code = c.la_code
