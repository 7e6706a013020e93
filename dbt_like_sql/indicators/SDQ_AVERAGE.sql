-- SDQ_AVERAGE: mean of the latest SDQ score in the 12 calendar months ending P of children looked
-- after at P, aged 4 to 16 inclusive at P, whose current period started on or before P - 12
-- months; only children with a score (numerator = sum of scores, denominator = children).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
scores AS (
    SELECT
        h.la_code,
        h.child,
        h.sdq_score,
        ROW_NUMBER() OVER (
            PARTITION BY h.la_code, h.child ORDER BY h.check_date DESC, h.sdq_score DESC
        ) AS recency
    FROM {{ ref('fct_health_check') }} AS h
    WHERE h.check_type = 'SDQ'
      AND h.sdq_score IS NOT NULL
      AND h.check_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
),
latest AS (
    SELECT cm.la_code, cm.child, s.sdq_score
    FROM {{ ref('fct_child_month') }} AS cm
    JOIN scores AS s ON s.la_code = cm.la_code AND s.child = cm.child AND s.recency = 1
    WHERE {{ age_years('cm.dob', period_end) }} BETWEEN 4 AND 16
      AND cm.period_start <= {{ add_months(period_end, -12) }}
)
SELECT
    c.la_code,
    COALESCE(SUM(l.sdq_score), 0) AS numerator,
    COUNT(l.child) AS denominator
FROM councils AS c
LEFT JOIN latest AS l ON l.la_code = c.la_code
GROUP BY c.la_code
