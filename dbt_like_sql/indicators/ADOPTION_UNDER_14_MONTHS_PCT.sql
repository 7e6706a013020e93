-- ADOPTION_UNDER_14_MONTHS_PCT: periods of care whose move-in day with the adoptive family (DECOM
-- of the first A3-A6 episode) lies in the 12 calendar months ending P with fewer than 426 days
-- from the period's start, over all such periods.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
placed AS (
    SELECT
        pc.la_code,
        SUM(
            CASE WHEN {{ days_between('pc.start_date', 'pc.placed_for_adoption_date') }} < 426 THEN 1 ELSE 0 END
        ) AS within_14_months,
        COUNT(*) AS periods
    FROM {{ ref('fct_period_of_care') }} AS pc
    WHERE pc.placed_for_adoption_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
    GROUP BY pc.la_code
)
SELECT
    c.la_code,
    COALESCE(p.within_14_months, 0) AS numerator,
    COALESCE(p.periods, 0) AS denominator
FROM councils AS c
LEFT JOIN placed AS p ON p.la_code = c.la_code
