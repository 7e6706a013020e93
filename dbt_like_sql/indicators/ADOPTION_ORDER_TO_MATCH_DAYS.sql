-- ADOPTION_ORDER_TO_MATCH_DAYS (A2-style): for AD1 matches (DATE_MATCH) in the 12 calendar months
-- ending P, mean days from the placement order (DECOM of the period's first LS E1 episode) to
-- DATE_MATCH. Matches with no placement order on or before the match are left out; a match is
-- counted once even if several periods of care carry it.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
matches AS (
    SELECT a.la_code, a.child, a.date_match, MAX(a.placement_order_date) AS placement_order_date
    FROM {{ ref('fct_adoption') }} AS a
    WHERE a.date_match BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
      AND a.placement_order_date <= a.date_match
    GROUP BY a.la_code, a.child, a.date_match
),
summed AS (
    SELECT
        m.la_code,
        SUM({{ days_between('m.placement_order_date', 'm.date_match') }}) AS days,
        COUNT(*) AS matches
    FROM matches AS m
    GROUP BY m.la_code
)
SELECT
    c.la_code,
    COALESCE(s.days, 0) AS numerator,
    COALESCE(s.matches, 0) AS denominator
FROM councils AS c
LEFT JOIN summed AS s ON s.la_code = c.la_code
