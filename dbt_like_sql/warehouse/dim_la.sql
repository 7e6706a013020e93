/*
description: Councils and their regions, from the reference file las.csv.
materialized: table
partitioned: false
unique_key: [la_code]
not_null: [la_code]
columns:
  la_code: ONS code of the council
  la_name: the council's name
  region_code: ONS code of the region
  region_name: the region's name
*/
SELECT
    l.la_code,
    l.la_name,
    l.region_code,
    l.region_name
FROM {{ source('staging', 'ref_las') }} AS l
