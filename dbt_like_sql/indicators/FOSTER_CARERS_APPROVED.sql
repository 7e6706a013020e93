-- FOSTER_CARERS_APPROVED: Foster carers approved (CarerApprovals FOSTER APPROVED) in the 12 calendar months ending P.
WITH councils AS (
    SELECT DISTINCT t.la_code FROM {{ source('dq', 'extract_tables') }} AS t
),
approved AS (
    SELECT ca.la_code, COUNT(*) AS approvals
    FROM {{ ref('fct_carer_approval') }} AS ca
    WHERE ca.carer_type = 'FOSTER'
      AND ca.event = 'APPROVED'
      AND ca.event_date BETWEEN {{ add_months(month_first_day, -11) }} AND {{ period_end }}
    GROUP BY ca.la_code
)
SELECT
    c.la_code,
    COALESCE(a.approvals, 0) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM councils AS c
LEFT JOIN approved AS a ON a.la_code = c.la_code
