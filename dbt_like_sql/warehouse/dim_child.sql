/*
description: One row per child in the month's Header (the last line when a child has more than one), with sex normalised, ethnic group and UASC status.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, child]
not_null: [la_code, extract_month, child, sex, ethnic_group, is_uasc]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  sex: M, F or U (1 and 2 of older years read as M and F)
  dob: date of birth
  ethnic: 903 ETHNIC code
  ethnic_group: the 903 major group; a blank or unknown code reads as Not stated / not recorded
  upn: unique pupil number (personal data, never exposed in bi)
  is_uasc: the child has a row in the UASC table (whatever its DUC)
  uasc_duc: date the child ceased to be UASC (latest DUC; blank while UASC or when not UASC)
*/
WITH header AS (
    SELECT
        h.*,
        ROW_NUMBER() OVER (
            PARTITION BY h.la_code, h.child ORDER BY h.source_file DESC, h.source_line DESC
        ) AS line_rank
    FROM {{ ref('stg_header') }} AS h
),

uasc AS (
    SELECT
        u.la_code,
        u.child,
        -- A blank DUC (still UASC) outranks any date.
        CASE WHEN COUNT(*) > COUNT(u.duc) THEN NULL ELSE MAX(u.duc) END AS uasc_duc
    FROM {{ ref('stg_uasc') }} AS u
    GROUP BY u.la_code, u.child
)

SELECT
    h.la_code,
    h.extract_month,
    h.child,
    h.sex_code AS sex,
    h.dob,
    h.ethnic,
    COALESCE(eth.ethnic_group, 'Not stated / not recorded') AS ethnic_group,
    h.upn,
    CASE WHEN u.child IS NOT NULL THEN TRUE ELSE FALSE END AS is_uasc,
    u.uasc_duc
FROM header AS h
LEFT JOIN {{ ref('dim_ethnicity') }} AS eth ON eth.ethnic = h.ethnic
LEFT JOIN uasc AS u ON u.la_code = h.la_code AND u.child = h.child
WHERE h.line_rank = 1
