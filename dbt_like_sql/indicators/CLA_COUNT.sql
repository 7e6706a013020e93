-- CLA_COUNT: children looked after at P (an episode open on P; respite is removed in fct_episode).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
looked_after AS (
    SELECT e.la_code, COUNT(DISTINCT e.child) AS children
    FROM {{ ref('fct_episode') }} AS e
    WHERE e.decom <= {{ period_end }}
      AND (e.dec IS NULL OR e.dec > {{ period_end }})
    GROUP BY e.la_code
)
SELECT
    c.la_code,
    COALESCE(l.children, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN looked_after AS l ON l.la_code = c.la_code
