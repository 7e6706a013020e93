-- ADOPTION_ENTRY_TO_PLACED_DAYS (A1-style): for periods of care ceased by adoption (E11, E12) in
-- the 12 calendar months ending P, mean days from the period's start to the DECOM of its first
-- A3-A6 episode (the move-in day). Periods with no such episode are left out.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
adopted AS (
    SELECT
        pc.la_code,
        SUM({{ days_between('pc.start_date', 'pc.placed_for_adoption_date') }}) AS days,
        COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.end_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
      AND pc.reason_ceased IN ('E11', 'E12')
      AND pc.placed_for_adoption_date IS NOT NULL
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(a.days, 0) AS numerator,
    COALESCE(a.periods, 0) AS denominator
FROM councils AS c
LEFT JOIN adopted AS a ON a.la_code = c.la_code
