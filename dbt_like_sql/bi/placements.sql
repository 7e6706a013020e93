/*
description: Every placement in each council's newest extract (past and current, respite and temporary spells left out), for BI tools.
materialized: view
partitioned: false
columns:
  council_code: ONS code of the council
  council_name: the council's name
  extract_month: the extract month shown (the council's newest)
  child_id: the child's CMS identifier
  placement_number: the child's placement, counted across periods of care (1 = first)
  care_period_number: the period of care holding the placement (1 = first)
  placement_in_care_period: position of the placement within its period of care
  placement_start: date the placement started
  placement_end: date the placement ended (blank while open)
  placement_type: placement type (PLACE) code
  placement_provider: placement provider code
  placement_group: placement group
  adoption_placement: placed for adoption (PLACE A3-A6)
  episodes: episodes in the placement (legal-status changes add episodes, not placements)
*/
SELECT
    p.la_code AS council_code,
    la.la_name AS council_name,
    p.extract_month,
    p.child AS child_id,
    p.placement_number,
    p.period_of_care_number AS care_period_number,
    p.placement_in_period AS placement_in_care_period,
    p.start_date AS placement_start,
    p.end_date AS placement_end,
    p.place AS placement_type,
    p.place_provider AS placement_provider,
    p.placement_group,
    p.is_adoption_placement AS adoption_placement,
    p.episodes
FROM {{ ref('fct_placement', all_months=True) }} AS p
INNER JOIN (
    SELECT
        n.la_code,
        MAX(n.extract_month) AS extract_month
    FROM {{ ref('fct_placement', all_months=True) }} AS n
    GROUP BY n.la_code
) AS newest
    ON newest.la_code = p.la_code AND newest.extract_month = p.extract_month
LEFT JOIN {{ ref('dim_la') }} AS la
    ON la.la_code = p.la_code
