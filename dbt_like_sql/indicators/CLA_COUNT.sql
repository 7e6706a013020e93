-- Children looked after at P: distinct children with a (non-respite) episode open on P.
SELECT
    e.la_code,
    COUNT(DISTINCT e.child) AS numerator,
    CAST(NULL AS DOUBLE PRECISION) AS denominator
FROM {{ ref('fct_episode') }} AS e
WHERE e.decom <= {{ period_end }}
  AND (e.dec IS NULL OR e.dec > {{ period_end }})
GROUP BY e.la_code
