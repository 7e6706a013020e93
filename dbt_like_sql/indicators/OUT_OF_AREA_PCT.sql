-- OUT_OF_AREA_PCT: children looked after at P whose placement postcode district lies in another
-- council, over children looked after at P whose placement council is known.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
known AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN cm.is_out_of_area THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    WHERE cm.is_out_of_area IS NOT NULL
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN known AS k ON k.la_code = c.la_code
GROUP BY c.la_code
