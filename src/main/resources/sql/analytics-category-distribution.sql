-- Manufacturers per category, live.
SELECT count(*) FILTER (WHERE category = 'drugs')     AS drugs,
       count(*) FILTER (WHERE category = 'food')      AS food,
       count(*) FILTER (WHERE category = 'cosmetics') AS cosmetics,
       count(*) FILTER (WHERE category = 'other')     AS other,
       count(*)                                        AS total
  FROM manufacturers
