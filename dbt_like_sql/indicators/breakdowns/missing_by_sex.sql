/*
description: Children who went missing in the month while looked after (the MISSING_CHILDREN children) by sex.
dimension: missing_by_sex
reads: [Missing]
*/
WITH went_missing AS (
    SELECT DISTINCT m.la_code, m.child
    FROM {{ ref('fct_missing_incident') }} AS m
    WHERE m.missing_type = 'M'
      AND m.start_date BETWEEN {{ month_first_day }} AND {{ period_end }}
      AND EXISTS (
          SELECT 1
          FROM {{ ref('fct_episode') }} AS e
          WHERE e.la_code = m.la_code
            AND e.child = m.child
            AND e.decom <= m.start_date
            AND (e.dec IS NULL OR e.dec > m.start_date)
      )
),
children AS (
    SELECT
        w.la_code,
        w.child,
        CASE dc.sex WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'U' THEN 'unknown' ELSE 'not recorded' END
            AS category
    FROM went_missing AS w
    LEFT JOIN {{ ref('dim_child') }} AS dc ON dc.la_code = w.la_code AND dc.child = w.child
),
totals AS (
    SELECT c.la_code, COUNT(*) AS total
    FROM children AS c
    GROUP BY c.la_code
)
SELECT
    c.la_code,
    'missing_by_sex' AS dimension,
    c.category,
    COUNT(*) AS children,
    MAX(t.total) AS total
FROM children AS c
JOIN totals AS t ON t.la_code = c.la_code
GROUP BY c.la_code, c.category
