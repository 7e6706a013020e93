/*
description: The 903 ethnicity codes with their labels and the major groups used in breakdowns (from code_lists.yaml ETHNIC).
materialized: table
partitioned: false
unique_key: [ethnic]
not_null: [ethnic, ethnic_label, ethnic_group]
columns:
  ethnic: 903 ETHNIC code
  ethnic_label: plain-English meaning of the code
  ethnic_group: the 903 major group (White, Mixed, Asian or Asian British, Black or Black British, Other, Not stated / not recorded)
*/
SELECT
    v.ethnic,
    v.ethnic_label,
    v.ethnic_group
FROM (
    VALUES
        ('WBRI', 'White British', 'White'),
        ('WIRI', 'White Irish', 'White'),
        ('WOTH', 'Any other White background', 'White'),
        ('WIRT', 'Traveller of Irish heritage', 'White'),
        ('WROM', 'Gypsy/Roma', 'White'),
        ('MWBC', 'White and Black Caribbean', 'Mixed'),
        ('MWBA', 'White and Black African', 'Mixed'),
        ('MWAS', 'White and Asian', 'Mixed'),
        ('MOTH', 'Any other mixed background', 'Mixed'),
        ('AIND', 'Indian', 'Asian or Asian British'),
        ('APKN', 'Pakistani', 'Asian or Asian British'),
        ('ABAN', 'Bangladeshi', 'Asian or Asian British'),
        ('AOTH', 'Any other Asian background', 'Asian or Asian British'),
        ('BCRB', 'Caribbean', 'Black or Black British'),
        ('BAFR', 'African', 'Black or Black British'),
        ('BOTH', 'Any other Black background', 'Black or Black British'),
        ('CHNE', 'Chinese', 'Other'),
        ('OOTH', 'Any other ethnic group', 'Other'),
        ('REFU', 'Refused', 'Not stated / not recorded'),
        ('NOBT', 'Information not yet obtained', 'Not stated / not recorded')
) AS v (ethnic, ethnic_label, ethnic_group)
