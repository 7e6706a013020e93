-- MISSING_CHILDREN: children with a Missing row of type M (missing, not away from placement)
-- starting in the month while looked after (an episode open on MIS_START).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
went_missing AS (
    SELECT m.la_code, COUNT(DISTINCT m.child) AS children
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
    GROUP BY m.la_code
)
SELECT
    c.la_code,
    COALESCE(w.children, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN went_missing AS w ON w.la_code = c.la_code
