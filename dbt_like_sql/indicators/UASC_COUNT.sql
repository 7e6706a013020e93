-- UASC_COUNT: children looked after at P who are in the UASC table with DUC blank or after P
-- (DUC equal to P does not count).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
uasc AS (
    SELECT cm.la_code, COUNT(DISTINCT cm.child) AS children
    FROM {{ ref('fct_child_month') }} AS cm
    JOIN {{ ref('dim_child') }} AS dc ON dc.la_code = cm.la_code AND dc.child = cm.child
    WHERE dc.is_uasc
      AND (dc.uasc_duc IS NULL OR dc.uasc_duc > {{ period_end }})
    GROUP BY cm.la_code
)
SELECT
    c.la_code,
    COALESCE(u.children, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN uasc AS u ON u.la_code = c.la_code
