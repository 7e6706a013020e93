/*
description: Children looked after at P by length of the current period of care at P (under 6 months, 6-12 months, 1-2 years, 2-5 years, 5+ years).
dimension: length_of_period
reads: []
*/
WITH looked_after AS (
    SELECT cm.la_code, cm.child, cm.length_band AS category
    FROM {{ ref('fct_child_month') }} AS cm
),
totals AS (
    SELECT l.la_code, COUNT(*) AS total
    FROM looked_after AS l
    GROUP BY l.la_code
)
SELECT
    l.la_code,
    'length_of_period' AS dimension,
    l.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM looked_after AS l
JOIN totals AS t ON t.la_code = l.la_code
GROUP BY l.la_code, l.category
