-- CARE_LEAVERS_SUITABLE_ACCOM_PCT: care leavers aged 19-21 at P whose latest ACCOM is suitable (a code ending in 1), over care leavers aged 19-21 at P.
-- The cohort is each care leaver's latest contact on or before P (warehouse.fct_care_leaver_latest).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
cohort AS (
    SELECT
        l.la_code,
        l.child,
        CASE WHEN l.accom LIKE '%1' THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_care_leaver_latest') }} AS l
    WHERE l.age BETWEEN 19 AND 21
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
