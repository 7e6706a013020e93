/*
description: One row per Missing row (M missing, A away without authorisation), with start and end as timestamps (an absent time counts as 00:00), duration and whether a return-home interview followed within 72 hours.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, start_date, start_at, is_looked_after_at_start]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  missing_type: M (missing) or A (away from placement without authorisation)
  start_date: MIS_START
  end_date: MIS_END (blank while open)
  start_time: MIS_START_TIME as recorded (HH:MM, blank when absent)
  end_time: MIS_END_TIME as recorded
  start_at: start date and time (00:00 when the time is absent)
  end_at: end date and time (00:00 when the time is absent; blank while open)
  duration_hours: hours from start_at to end_at (blank while open)
  rhi_date: date a return-home interview was held (blank = none)
  rhi_within_72h: RHI_DATE is 0 to 3 days after MIS_END (blank while the incident is open)
  is_looked_after_at_start: the child had an episode (respite removed) open on the start date
  source_file: file the row was read from
  source_line: line of that file
*/
WITH timed AS (
    SELECT
        m.la_code,
        m.extract_month,
        m.child,
        m.missing AS missing_type,
        m.mis_start AS start_date,
        m.mis_end AS end_date,
        m.mis_start_time AS start_time,
        m.mis_end_time AS end_time,
        CAST(m.mis_start AS TIMESTAMP) + (
            COALESCE(CAST(SUBSTRING(m.mis_start_time FROM 1 FOR 2) AS INTEGER), 0) * 60
            + COALESCE(CAST(SUBSTRING(m.mis_start_time FROM 4 FOR 2) AS INTEGER), 0)
        ) * INTERVAL '1 minute' AS start_at,
        CASE WHEN m.mis_end IS NOT NULL THEN
            CAST(m.mis_end AS TIMESTAMP) + (
                COALESCE(CAST(SUBSTRING(m.mis_end_time FROM 1 FOR 2) AS INTEGER), 0) * 60
                + COALESCE(CAST(SUBSTRING(m.mis_end_time FROM 4 FOR 2) AS INTEGER), 0)
            ) * INTERVAL '1 minute'
        END AS end_at,
        m.rhi_date,
        m.source_file,
        m.source_line
    FROM {{ ref('stg_missing') }} AS m
),

looked_after AS (
    SELECT DISTINCT
        t.source_file,
        t.source_line
    FROM timed AS t
    INNER JOIN {{ ref('fct_episode') }} AS e
        ON e.la_code = t.la_code
        AND e.child = t.child
        AND e.decom <= t.start_date
        AND (e.dec IS NULL OR e.dec > t.start_date)
)

SELECT
    t.la_code,
    t.extract_month,
    t.child,
    t.missing_type,
    t.start_date,
    t.end_date,
    t.start_time,
    t.end_time,
    CAST(t.start_at AS TIMESTAMP) AS start_at,
    CAST(t.end_at AS TIMESTAMP) AS end_at,
    CAST(
        CASE WHEN t.end_at IS NOT NULL THEN {{ hours_between('t.start_at', 't.end_at') }} END AS DOUBLE PRECISION
    ) AS duration_hours,
    t.rhi_date,
    CASE
        WHEN t.end_date IS NULL THEN NULL
        WHEN t.rhi_date >= t.end_date AND t.rhi_date <= {{ add_days('t.end_date', 3) }} THEN TRUE
        ELSE FALSE
    END AS rhi_within_72h,
    CASE WHEN la.source_line IS NOT NULL THEN TRUE ELSE FALSE END AS is_looked_after_at_start,
    t.source_file,
    t.source_line
FROM timed AS t
LEFT JOIN looked_after AS la
    ON la.source_file = t.source_file AND la.source_line = t.source_line
