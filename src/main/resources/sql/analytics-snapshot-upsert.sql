-- Midnight: the category distribution as of now, kept as the snapshot of the day that ended.
-- Upsert: a second run for the same day replaces the row, it never adds to it.
INSERT INTO category_distribution_snapshots (snapshot_date, drugs, food, cosmetics, other, total, taken_at)
SELECT ?::date,
       count(*) FILTER (WHERE category = 'drugs'),
       count(*) FILTER (WHERE category = 'food'),
       count(*) FILTER (WHERE category = 'cosmetics'),
       count(*) FILTER (WHERE category = 'other'),
       count(*),
       now()
  FROM manufacturers
ON CONFLICT (snapshot_date) DO UPDATE
   SET drugs = EXCLUDED.drugs, food = EXCLUDED.food, cosmetics = EXCLUDED.cosmetics, other = EXCLUDED.other,
       total = EXCLUDED.total, taken_at = EXCLUDED.taken_at
RETURNING drugs, food, cosmetics, other, total
