/*
description: Children looked after at P by whether the placement postcode district lies in the council's area (unknown when the postcode or its district is not known).
dimension: area
reads: []
*/
WITH looked_after AS (
    SELECT cm.la_code, cm.child, CASE WHEN cm.is_out_of_area THEN 'out of area' WHEN NOT cm.is_out_of_area THEN 'in area' ELSE 'unknown' END AS category
    FROM {{ ref('fct_child_month') }} AS cm
),
totals AS (
    SELECT l.la_code, COUNT(*) AS total
    FROM looked_after AS l
    GROUP BY l.la_code
)
SELECT
    l.la_code,
    'area' AS dimension,
    l.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM looked_after AS l
JOIN totals AS t ON t.la_code = l.la_code
GROUP BY l.la_code, l.category
