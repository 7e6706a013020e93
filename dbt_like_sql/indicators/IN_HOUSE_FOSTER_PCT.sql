-- IN_HOUSE_FOSTER_PCT: children looked after at P in foster care (PLACE U1-U6) provided by the
-- council itself (PLACE_PROVIDER PR1), over children looked after at P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
looked_after AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE
            WHEN cm.place IN ('U1', 'U2', 'U3', 'U4', 'U5', 'U6') AND cm.place_provider = 'PR1' THEN 1
            ELSE 0
        END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
)
SELECT
    c.la_code,
    COALESCE(SUM(l.counted), 0) AS numerator,
    COUNT(l.child) AS denominator
FROM councils AS c
LEFT JOIN looked_after AS l ON l.la_code = c.la_code
GROUP BY c.la_code
