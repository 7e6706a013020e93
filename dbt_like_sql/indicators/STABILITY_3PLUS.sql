-- STABILITY_3PLUS: children looked after at P with 3 or more placements having any day in the
-- 12 calendar months ending P, over children looked after at P. A placement has a day in the
-- window when it starts on or before P and ends (exclusive) after the window's first day or is
-- still open; temporary placements are not placements; earlier periods of care count.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
placements AS (
    SELECT p.la_code, p.child, COUNT(*) AS placements
    FROM {{ ref('fct_placement') }} AS p
    WHERE p.start_date <= {{ period_end }}
      AND (p.end_date IS NULL OR p.end_date > {{ add_months(month_first_day, -11) }})
    GROUP BY p.la_code, p.child
),
looked_after AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN COALESCE(pl.placements, 0) >= 3 THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    LEFT JOIN placements AS pl ON pl.la_code = cm.la_code AND pl.child = cm.child
)
SELECT
    c.la_code,
    COALESCE(SUM(l.counted), 0) AS numerator,
    COUNT(l.child) AS denominator
FROM councils AS c
LEFT JOIN looked_after AS l ON l.la_code = c.la_code
GROUP BY c.la_code
