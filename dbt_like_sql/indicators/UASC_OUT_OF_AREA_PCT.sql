-- UASC_OUT_OF_AREA_PCT: as OUT_OF_AREA_PCT, restricted to the UASC_COUNT children (in the UASC
-- table with DUC blank or after P).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
known AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN cm.is_out_of_area THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    JOIN {{ ref('dim_child') }} AS dc ON dc.la_code = cm.la_code AND dc.child = cm.child
    WHERE cm.is_out_of_area IS NOT NULL
      AND dc.is_uasc
      AND (dc.uasc_duc IS NULL OR dc.uasc_duc > {{ period_end }})
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN known AS k ON k.la_code = c.la_code
GROUP BY c.la_code
