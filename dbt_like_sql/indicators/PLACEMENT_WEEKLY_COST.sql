-- PLACEMENT_WEEKLY_COST: sum over children looked after at P of the weekly cost of their
-- placement group, from the placement_costs row with the latest from_month on or before P's
-- month. A council with no cost rows by then has a null value.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
costs AS (
    SELECT
        pc.la_code,
        pc.placement_group,
        pc.weekly_cost,
        ROW_NUMBER() OVER (
            PARTITION BY pc.la_code, pc.placement_group ORDER BY pc.from_month DESC
        ) AS recency
    FROM {{ source('staging', 'ref_placement_costs') }} AS pc
    WHERE SUBSTR(pc.from_month, 1, 7) <= {{ extract_month }}
),
priced_councils AS (
    SELECT DISTINCT co.la_code FROM costs AS co
),
placed AS (
    SELECT cm.la_code, SUM(COALESCE(co.weekly_cost, 0)) AS weekly_cost
    FROM {{ ref('fct_child_month') }} AS cm
    LEFT JOIN costs AS co
      ON co.la_code = cm.la_code
     AND co.placement_group = cm.placement_group
     AND co.recency = 1
    GROUP BY cm.la_code
)
SELECT
    c.la_code,
    CASE WHEN pr.la_code IS NULL THEN NULL ELSE COALESCE(p.weekly_cost, 0) END AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN priced_councils AS pr ON pr.la_code = c.la_code
LEFT JOIN placed AS p ON p.la_code = c.la_code
