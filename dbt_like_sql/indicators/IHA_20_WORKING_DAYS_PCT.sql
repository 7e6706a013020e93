-- IHA_20_WORKING_DAYS_PCT: periods of care started in (E - 3 months, E], where E is P counted
-- back 20 working days, with an initial health assessment (IHA) dated on or after the start and
-- on or before the 20th working day after it (the start itself not counted), over all such
-- periods. Working days exclude weekends and England & Wales bank holidays (warehouse.dim_date).
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
window_end AS (
    SELECT MIN(e.date_day) AS e_date
    FROM {{ source('warehouse', 'dim_date') }} AS e
    JOIN {{ source('warehouse', 'dim_date') }} AS p ON p.date_day = {{ period_end }}
    WHERE e.is_working_day
      AND e.working_day_number = p.working_day_number - 20
),
started AS (
    SELECT
        pc.la_code,
        pc.child,
        pc.start_date,
        deadline.date_day AS deadline
    FROM {{ ref('fct_period_of_care') }} AS pc
    CROSS JOIN window_end AS w
    JOIN {{ source('warehouse', 'dim_date') }} AS start_day ON start_day.date_day = pc.start_date
    JOIN {{ source('warehouse', 'dim_date') }} AS deadline
      ON deadline.is_working_day
     AND deadline.working_day_number = start_day.working_day_number + 20
    WHERE pc.start_date > {{ add_months('w.e_date', -3) }}
      AND pc.start_date <= w.e_date
),
assessed AS (
    SELECT
        s.la_code,
        s.child,
        CASE WHEN EXISTS (
            SELECT 1
            FROM {{ ref('fct_health_check') }} AS h
            WHERE h.la_code = s.la_code
              AND h.child = s.child
              AND h.check_type = 'IHA'
              AND h.check_date BETWEEN s.start_date AND s.deadline
        ) THEN 1 ELSE 0 END AS counted
    FROM started AS s
)
SELECT
    c.la_code,
    COALESCE(SUM(a.counted), 0) AS numerator,
    COUNT(a.child) AS denominator
FROM councils AS c
LEFT JOIN assessed AS a ON a.la_code = c.la_code
GROUP BY c.la_code
