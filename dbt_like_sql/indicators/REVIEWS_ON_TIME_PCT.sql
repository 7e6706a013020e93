-- REVIEWS_ON_TIME_PCT: reviews held in the month that were on time (first review of a period
-- within 20 working days of its start, the second within 3 months of the first, later ones
-- within 6 months of the one before; fct_review.is_on_time), over all reviews held in the month.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
held AS (
    SELECT
        r.la_code,
        SUM(CASE WHEN r.is_on_time THEN 1 ELSE 0 END) AS on_time,
        COUNT(*) AS reviews
    FROM {{ ref('fct_review') }} AS r
    WHERE r.review_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY r.la_code
)
SELECT
    c.la_code,
    COALESCE(h.on_time, 0) AS numerator,
    COALESCE(h.reviews, 0) AS denominator
FROM councils AS c
LEFT JOIN held AS h ON h.la_code = c.la_code
