/*
description: The placement groups of indicators.md as rows, one per group and PLACE code. A (PLACE, PLACE_PROVIDER) pair takes the group of the matching row with the lowest priority; PLACE codes not listed fall in 'other'. fct_episode applies the same table as a CASE expression (a test keeps the two in step).
materialized: table
partitioned: false
unique_key: [placement_group, place]
not_null: [priority, placement_group, place, provider_rule]
columns:
  priority: order in which the rows are tried (1 first); the first matching row wins
  placement_group: group name, exactly as in indicators.md, placement_costs.csv and bi
  place: a 903 PLACE code in the group
  provider_rule: any (whatever PLACE_PROVIDER), PR1 (own provision only) or not PR1 (anything else, blank included)
*/
SELECT
    v.priority,
    v.placement_group,
    v.place,
    v.provider_rule
FROM (
    VALUES
        (1, 'connected-person foster', 'U1', 'any'),
        (1, 'connected-person foster', 'U2', 'any'),
        (1, 'connected-person foster', 'U3', 'any'),
        (2, 'in-house foster', 'U4', 'PR1'),
        (2, 'in-house foster', 'U5', 'PR1'),
        (2, 'in-house foster', 'U6', 'PR1'),
        (3, 'agency (IFA) foster', 'U4', 'not PR1'),
        (3, 'agency (IFA) foster', 'U5', 'not PR1'),
        (3, 'agency (IFA) foster', 'U6', 'not PR1'),
        (4, 'placed with parents', 'P1', 'any'),
        (5, 'placed for adoption', 'A3', 'any'),
        (5, 'placed for adoption', 'A4', 'any'),
        (5, 'placed for adoption', 'A5', 'any'),
        (5, 'placed for adoption', 'A6', 'any'),
        (6, 'in-house residential', 'K2', 'PR1'),
        (6, 'in-house residential', 'R1', 'PR1'),
        (7, 'external residential', 'K2', 'not PR1'),
        (7, 'external residential', 'R1', 'not PR1'),
        (8, 'residential school', 'S1', 'any'),
        (9, 'secure', 'K1', 'any'),
        (10, 'supported / independent living', 'H5', 'any'),
        (10, 'supported / independent living', 'P2', 'any'),
        (10, 'supported / independent living', 'K3', 'any'),
        (11, 'other', 'R2', 'any'),
        (11, 'other', 'R3', 'any'),
        (11, 'other', 'R5', 'any'),
        (11, 'other', 'P3', 'any'),
        (11, 'other', 'Z1', 'any'),
        (11, 'other', 'Z11', 'any'),
        (11, 'other', 'Z12', 'any'),
        (11, 'other', 'Z13', 'any'),
        (11, 'other', 'Z14', 'any'),
        (11, 'other', 'T0', 'any'),
        (11, 'other', 'T1', 'any'),
        (11, 'other', 'T2', 'any'),
        (11, 'other', 'T3', 'any'),
        (11, 'other', 'T4', 'any')
) AS v (priority, placement_group, place, provider_rule)
