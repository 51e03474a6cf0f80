-- Snapshots of the last N days, counted back from the given day (inclusive), oldest first.
SELECT snapshot_date, drugs, food, cosmetics, other, total, taken_at
  FROM category_distribution_snapshots
 WHERE snapshot_date > ?::date - ? AND snapshot_date <= ?::date
 ORDER BY snapshot_date
