/*
description: Children looked after at P by age band at P (under 1, 1-4, 5-9, 10-15, 16+).
dimension: age_band
reads: []
*/
WITH looked_after AS (
    SELECT cm.la_code, cm.child, COALESCE(cm.age_band, 'not recorded') AS category
    FROM {{ ref('fct_child_month') }} AS cm
),
totals AS (
    SELECT l.la_code, COUNT(*) AS total
    FROM looked_after AS l
    GROUP BY l.la_code
)
SELECT
    l.la_code,
    'age_band' AS dimension,
    l.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM looked_after AS l
JOIN totals AS t ON t.la_code = l.la_code
GROUP BY l.la_code, l.category
