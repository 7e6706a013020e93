-- PEP_6_MONTHS_PCT: children looked after at P of statutory school age (aged 4 on or before the
-- 31 August strictly before P and under 16 on that date) with a COMPLETE PEP dated in the 6
-- calendar months ending P, over those children.
-- The 31 August strictly before P is 31 August of the year of P - 8 months.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
school_year AS (
    SELECT {{ add_days(add_months("CAST(DATE_TRUNC('year', " ~ add_months(period_end, -8) ~ ") AS DATE)", 7), 30) }} AS august_31
),
cohort AS (
    SELECT
        cm.la_code,
        cm.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_pep') }} AS pep
            WHERE pep.la_code = cm.la_code
              AND pep.child = cm.child
              AND pep.pep_status = 'COMPLETE'
              AND pep.pep_date BETWEEN {{ add_months(month_first_day, -5) }} AND {{ period_end }}
        ) THEN 1 ELSE 0 END AS counted
    FROM {{ ref('fct_child_month') }} AS cm
    CROSS JOIN school_year AS sy
    WHERE {{ age_years('cm.dob', 'sy.august_31') }} BETWEEN 4 AND 15
)
SELECT
    c.la_code,
    COALESCE(SUM(k.counted), 0) AS numerator,
    COUNT(k.child) AS denominator
FROM councils AS c
LEFT JOIN cohort AS k ON k.la_code = c.la_code
GROUP BY c.la_code
