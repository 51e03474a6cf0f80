SELECT c.id            AS code_id,
       c.code          AS code,
       b.batch_number  AS batch_number,
       b.expires_on    AS expires_on,
       p.id            AS product_id,
       p.name          AS product_name,
       p.registration_number AS registration_number,
       m.id            AS manufacturer_id,
       m.name          AS manufacturer_name,
       m.country       AS manufacturer_country,
       m.category      AS category
  FROM product_codes c
  JOIN batches b       ON b.id = c.batch_id
  JOIN products p      ON p.id = b.product_id
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE c.code = ?
