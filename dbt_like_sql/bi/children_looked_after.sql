/*
description: Children looked after at the period end of each council's newest extract month, one row per child, for BI tools. Age and month of birth only - never date of birth or UPN.
materialized: view
partitioned: false
columns:
  council_code: ONS code of the council
  council_name: the council's name
  region_name: the council's region
  extract_month: the extract month shown (the council's newest)
  period_end: the last day of that month
  child_id: the child's CMS identifier
  sex: M, F or U
  ethnic_group: the 903 major ethnic group
  birth_month: first day of the month of birth
  age: whole years at the period end
  age_band: under 1, 1-4, 5-9, 10-15 or 16+
  legal_status: legal status code at the period end
  category_of_need: category of need code of the current episode
  placement_type: placement type (PLACE) code at the period end
  placement_provider: placement provider code at the period end
  placement_group: placement group at the period end (a temporary spell counts as other)
  usual_placement_group: placement group of the usual placement (differs only during a temporary spell)
  in_temporary_placement: the child is in a temporary placement (T0-T4) at the period end
  care_period_start: date the current period of care started
  placement_start: date the current placement started
  days_in_care: days in the current period of care
  weeks_in_care: weeks in the current period of care
  length_of_care_band: under 6 months, 6-12 months, 1-2 years, 2-5 years or 5+ years
  placement_postcode_district: postcode district of the placement (outward code only)
  placement_council_code: council the placement lies in (blank when the district is unknown)
  placed_out_of_area: placed outside the council (blank when unknown)
  unaccompanied_asylum_seeking: an unaccompanied asylum-seeking child at the period end
  social_worker_id: the allocated social worker (blank when none)
  special_educational_needs: NONE, SEN_SUPPORT or EHCP at the school open at the period end
*/
SELECT
    c.la_code AS council_code,
    la.la_name AS council_name,
    la.region_name,
    c.extract_month,
    c.period_end,
    c.child AS child_id,
    c.sex,
    c.ethnic_group,
    {{ month_start('c.dob') }} AS birth_month,
    c.age,
    c.age_band,
    c.legal_status,
    c.cin AS category_of_need,
    c.place AS placement_type,
    c.place_provider AS placement_provider,
    c.placement_group,
    c.placement_group_usual AS usual_placement_group,
    c.is_temporary AS in_temporary_placement,
    c.period_start AS care_period_start,
    c.placement_start,
    c.days_in_care,
    c.weeks_in_care,
    c.length_band AS length_of_care_band,
    c.pl_district AS placement_postcode_district,
    c.placement_la_code AS placement_council_code,
    c.is_out_of_area AS placed_out_of_area,
    c.is_uasc AS unaccompanied_asylum_seeking,
    c.allocated_worker AS social_worker_id,
    c.sen AS special_educational_needs
FROM {{ ref('fct_child_month', all_months=True) }} AS c
INNER JOIN (
    SELECT
        n.la_code,
        MAX(n.extract_month) AS extract_month
    FROM {{ ref('fct_child_month', all_months=True) }} AS n
    GROUP BY n.la_code
) AS newest
    ON newest.la_code = c.la_code AND newest.extract_month = c.extract_month
LEFT JOIN {{ ref('dim_la') }} AS la
    ON la.la_code = c.la_code
