/*
description: One row per looked-after review, placed in the period of care that holds it, numbered within that period and given the date it was due by - the first within 20 working days of the period's start, the second within 3 months of the first, later ones within 6 months of the one before.
materialized: table
partitioned: true
unique_key: [la_code, extract_month, source_file, source_line]
not_null: [la_code, extract_month, child, review_date]
columns:
  la_code: ONS code of the council
  extract_month: the monthly extract (YYYY-MM) the row comes from
  child: the child's CMS identifier
  review_date: date the review was held
  review_code: how the child took part (PN0-PN7)
  period_of_care_number: the period holding the review (start_date <= review_date and end blank or review_date <= end); blank for a review outside care
  period_start: start of that period of care
  review_sequence: 1 = the first review in that period; blank for a review outside care
  previous_review_date: the review before it in the same period
  due_date: 1st - the 20th working day after the period start (the start not counted); 2nd - the previous review + 3 months; later - the previous review + 6 months
  is_on_time: review_date <= due_date (blank for a review outside care)
  source_file: file the row was read from
  source_line: line of that file
*/
WITH placed AS (
    SELECT
        r.la_code,
        r.extract_month,
        r.child,
        r.review AS review_date,
        r.review_code,
        r.source_file,
        r.source_line,
        p.period_of_care_number,
        p.start_date AS period_start,
        -- With overlapping (flagged) histories, the latest-starting period holds the review.
        ROW_NUMBER() OVER (
            PARTITION BY r.la_code, r.source_file, r.source_line ORDER BY p.start_date DESC
        ) AS period_rank
    FROM {{ ref('stg_reviews') }} AS r
    LEFT JOIN {{ ref('fct_period_of_care') }} AS p
        ON p.la_code = r.la_code
        AND p.child = r.child
        AND p.start_date <= r.review
        AND (p.end_date IS NULL OR r.review <= p.end_date)
),

sequenced AS (
    SELECT
        pl.*,
        CASE WHEN pl.period_of_care_number IS NOT NULL THEN
            ROW_NUMBER() OVER (
                PARTITION BY pl.la_code, pl.child, pl.period_of_care_number
                ORDER BY pl.review_date, pl.source_file, pl.source_line
            )
        END AS review_sequence,
        CASE WHEN pl.period_of_care_number IS NOT NULL THEN
            LAG(pl.review_date) OVER (
                PARTITION BY pl.la_code, pl.child, pl.period_of_care_number
                ORDER BY pl.review_date, pl.source_file, pl.source_line
            )
        END AS previous_review_date
    FROM placed AS pl
    WHERE pl.period_rank = 1
),

due AS (
    SELECT
        s.*,
        CASE
            WHEN s.review_sequence = 1 THEN twentieth.date_day
            WHEN s.review_sequence = 2 THEN {{ add_months('s.previous_review_date', 3) }}
            WHEN s.review_sequence > 2 THEN {{ add_months('s.previous_review_date', 6) }}
        END AS due_date
    FROM sequenced AS s
    LEFT JOIN {{ source('warehouse', 'dim_date') }} AS start_day
        ON start_day.date_day = s.period_start
    LEFT JOIN {{ source('warehouse', 'dim_date') }} AS twentieth
        ON twentieth.working_day_number = start_day.working_day_number + 20
        AND twentieth.is_working_day = TRUE
)

SELECT
    d.la_code,
    d.extract_month,
    d.child,
    d.review_date,
    d.review_code,
    d.period_of_care_number,
    d.period_start,
    d.review_sequence,
    d.previous_review_date,
    d.due_date,
    CASE
        WHEN d.due_date IS NULL THEN NULL
        WHEN d.review_date <= d.due_date THEN TRUE
        ELSE FALSE
    END AS is_on_time,
    d.source_file,
    d.source_line
FROM due AS d
