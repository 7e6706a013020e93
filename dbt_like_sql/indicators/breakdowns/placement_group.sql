/*
description: Children looked after at P by placement group of the episode open at P (first matching row of the indicators.md table wins).
dimension: placement_group
reads: []
*/
WITH looked_after AS (
    SELECT cm.la_code, cm.child, cm.placement_group AS category
    FROM {{ ref('fct_child_month') }} AS cm
),
totals AS (
    SELECT l.la_code, COUNT(*) AS total
    FROM looked_after AS l
    GROUP BY l.la_code
)
SELECT
    l.la_code,
    'placement_group' AS dimension,
    l.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM looked_after AS l
JOIN totals AS t ON t.la_code = l.la_code
GROUP BY l.la_code, l.category
