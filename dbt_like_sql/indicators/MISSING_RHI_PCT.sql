-- MISSING_RHI_PCT: incidents (type M) ending in the month with a return-home interview 0 to 3
-- days after MIS_END (and not after P), over incidents ending in the month.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
ended AS (
    SELECT
        m.la_code,
        SUM(
            CASE
                WHEN m.rhi_date >= m.end_date
                 AND m.rhi_date <= {{ add_days('m.end_date', 3) }}
                 AND m.rhi_date <= {{ period_end }} THEN 1
                ELSE 0
            END
        ) AS interviewed,
        COUNT(*) AS incidents
    FROM {{ ref('fct_missing_incident') }} AS m
    WHERE m.missing_type = 'M'
      AND m.end_date BETWEEN {{ month_first_day }} AND {{ period_end }}
    GROUP BY m.la_code
)
SELECT
    c.la_code,
    COALESCE(e.interviewed, 0) AS numerator,
    COALESCE(e.incidents, 0) AS denominator
FROM councils AS c
LEFT JOIN ended AS e ON e.la_code = c.la_code
