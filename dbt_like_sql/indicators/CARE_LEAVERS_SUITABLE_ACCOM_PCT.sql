-- CARE_LEAVERS_SUITABLE_ACCOM_PCT: care leavers aged 19-21 at P whose latest ACCOM is suitable (a code ending in 1), over care leavers aged 19-21 at P.
-- Each care leaver's latest CareLeaverContacts row on or before P (later contacts are ignored);
-- age at P from that row's DOB.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
latest AS (
    SELECT
        cl.la_code,
        cl.child,
        cl.dob,
        cl.in_touch,
        cl.activ,
        cl.accom,
        cl.pathway_plan_date,
        ROW_NUMBER() OVER (
            PARTITION BY cl.la_code, cl.child ORDER BY cl.contact_date DESC, cl.source_line DESC
        ) AS recency
    FROM {{ ref('fct_care_leaver_contact') }} AS cl
    WHERE cl.contact_date <= {{ period_end }}
),
cohort AS (
    SELECT
        l.la_code,
        l.child,
        CASE WHEN l.accom LIKE '%1' THEN 1 ELSE 0 END AS counted
    FROM latest AS l
    WHERE l.recency = 1
      AND {{ age_years('l.dob', period_end) }} BETWEEN 19 AND 21
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
