-- CLA_RATE_10K: children looked after at P per 10,000 children aged 0-17
-- (numerator = CLA at P, denominator = population of the latest year on or before P's year).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
looked_after AS (
    SELECT cm.la_code, COUNT(DISTINCT cm.child) AS children
    FROM {{ ref('fct_child_month') }} AS cm
    GROUP BY cm.la_code
),
population AS (
    SELECT
        p.la_code,
        p.population_0_17,
        ROW_NUMBER() OVER (PARTITION BY p.la_code ORDER BY p.year DESC) AS recency
    FROM {{ source('staging', 'ref_population') }} AS p
    WHERE p.year <= EXTRACT(YEAR FROM {{ period_end }})
)
SELECT
    c.la_code,
    COALESCE(l.children, 0) AS numerator,
    CAST(p.population_0_17 AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN looked_after AS l ON l.la_code = c.la_code
LEFT JOIN population AS p ON p.la_code = c.la_code AND p.recency = 1
