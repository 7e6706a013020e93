-- PLACED_WITH_PARENTS: children looked after at P placed with parents (PLACE P1) on a care order
-- (LS C1 or C2) in the episode open at P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
placed AS (
    SELECT cm.la_code, COUNT(DISTINCT cm.child) AS children
    FROM {{ ref('fct_child_month') }} AS cm
    WHERE cm.place = 'P1'
      AND cm.legal_status IN ('C1', 'C2')
    GROUP BY cm.la_code
)
SELECT
    c.la_code,
    COALESCE(p.children, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN placed AS p ON p.la_code = c.la_code
