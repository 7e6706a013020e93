/*
description: The board scorecard of each council's newest month, one row per indicator, with the catalogue's names and wording, for BI tools. Suppressed values are already blank.
materialized: view
partitioned: false
columns:
  council_code: ONS code of the council
  council_name: the council's name
  extract_month: the month shown (the council's newest)
  period_end: the last day of that month
  indicator_code: the indicator's code (indicators.md)
  indicator_name: the indicator's name
  section: where it sits on the board scorecard
  description: what it measures
  unit: count, percent, rate_per_10k, days, weeks, hours, ratio or gbp
  polarity: up (higher is better), down or neutral
  value: the month's value (blank with no denominator, a missing extract or suppression)
  numerator: numerator (or the value of a count)
  denominator: denominator (blank for counts)
  target: the council's target
  rag: green, amber or red against the target
  england: England comparator
  region: regional comparator
  statistical_neighbours: statistical neighbours comparator
  value_last_month: the value a month earlier
  value_12_months_ago: the value twelve months earlier
  suppressed: small numbers removed for publication
  missing_extracts: the extracts the council did not send that the indicator reads
  board_wording: how the board papers phrase it
*/
SELECT
    s.la_code AS council_code,
    la.la_name AS council_name,
    s.extract_month,
    s.period_end,
    s.indicator_code,
    cat.name AS indicator_name,
    cat.section,
    cat.description,
    s.unit,
    s.polarity,
    s.value,
    s.numerator,
    s.denominator,
    s.target,
    s.rag,
    s.england,
    s.region,
    s.stat_neighbours AS statistical_neighbours,
    s.value_last_month,
    s.value_12_months_ago,
    s.suppressed,
    s.missing_tables AS missing_extracts,
    cat.board_wording
FROM {{ source('mart', 'scorecard_indicator', all_months=True) }} AS s
INNER JOIN (
    SELECT
        n.la_code,
        MAX(n.extract_month) AS extract_month
    FROM {{ source('mart', 'scorecard_indicator', all_months=True) }} AS n
    GROUP BY n.la_code
) AS newest
    ON newest.la_code = s.la_code AND newest.extract_month = s.extract_month
LEFT JOIN {{ source('mart', 'indicator_catalogue') }} AS cat
    ON cat.indicator_code = s.indicator_code
LEFT JOIN {{ ref('dim_la') }} AS la
    ON la.la_code = s.la_code
