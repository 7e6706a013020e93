/*
description: Children looked after at P by sex (M male, F female, U unknown; 1 and 2 of older years are read as M and F).
dimension: sex
reads: []
*/
WITH looked_after AS (
    SELECT cm.la_code, cm.child, CASE cm.sex WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'U' THEN 'unknown' ELSE 'not recorded' END AS category
    FROM {{ ref('fct_child_month') }} AS cm
),
totals AS (
    SELECT l.la_code, COUNT(*) AS total
    FROM looked_after AS l
    GROUP BY l.la_code
)
SELECT
    l.la_code,
    'sex' AS dimension,
    l.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM looked_after AS l
JOIN totals AS t ON t.la_code = l.la_code
GROUP BY l.la_code, l.category
