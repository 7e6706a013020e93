/*
description: Children looked after at P by special educational needs (SEN of the school open at P; not recorded when no school is open at P).
dimension: sen
reads: [Schools]
*/
WITH looked_after AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE cm.sen
            WHEN 'NONE' THEN 'no SEN'
            WHEN 'SEN_SUPPORT' THEN 'SEN support'
            WHEN 'EHCP' THEN 'EHCP'
            ELSE 'not recorded'
        END AS category
    FROM {{ ref('fct_child_month') }} AS cm
),
totals AS (
    SELECT l.la_code, COUNT(*) AS total
    FROM looked_after AS l
    GROUP BY l.la_code
)
SELECT
    l.la_code,
    'sen' AS dimension,
    l.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM looked_after AS l
JOIN totals AS t ON t.la_code = l.la_code
GROUP BY l.la_code, l.category
