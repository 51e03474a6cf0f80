-- Demo catalogue: fictional manufacturers in every category, two products each, one batch per
-- product, and 500 codes per category (DEMO-DRUG-0001 ... DEMO-OTHER-0500). Idempotent.
INSERT INTO manufacturers (name, category, country) VALUES
    ('Lagoon Pharma (demo)', 'drugs', 'NG'),
    ('Harmattan Therapeutics (demo)', 'drugs', 'NG'),
    ('Savannah Foods (demo)', 'food', 'NG'),
    ('Delta Dairies (demo)', 'food', 'GH'),
    ('Kola Beauty (demo)', 'cosmetics', 'NG'),
    ('Ebony Skincare (demo)', 'cosmetics', 'KE'),
    ('Sahel General Goods (demo)', 'other', 'NG')
ON CONFLICT (name) DO NOTHING;

INSERT INTO products (manufacturer_id, name, registration_number)
SELECT m.id, p.name, p.reg
  FROM (VALUES
        ('Lagoon Pharma (demo)', 'Paracetamol 500 mg tablets', 'A4-1001'),
        ('Lagoon Pharma (demo)', 'Amoxicillin 250 mg capsules', 'A4-1002'),
        ('Harmattan Therapeutics (demo)', 'Artemether/Lumefantrine 20/120', 'A4-2001'),
        ('Harmattan Therapeutics (demo)', 'Oral rehydration salts', 'A4-2002'),
        ('Savannah Foods (demo)', 'Fortified semolina 1 kg', 'B1-3001'),
        ('Savannah Foods (demo)', 'Vegetable oil 1 L', 'B1-3002'),
        ('Delta Dairies (demo)', 'Infant formula 400 g', 'B1-4001'),
        ('Delta Dairies (demo)', 'Evaporated milk 160 g', 'B1-4002'),
        ('Kola Beauty (demo)', 'Shea body lotion 400 ml', 'C1-5001'),
        ('Kola Beauty (demo)', 'Hair relaxer 250 g', 'C1-5002'),
        ('Ebony Skincare (demo)', 'Toning cream 100 g', 'C1-6001'),
        ('Ebony Skincare (demo)', 'Sunscreen SPF 50', 'C1-6002'),
        ('Sahel General Goods (demo)', 'Mosquito coil pack', 'D1-7001'),
        ('Sahel General Goods (demo)', 'Phone charger 2 A', 'D1-7002')
       ) AS p(manufacturer, name, reg)
  JOIN manufacturers m ON m.name = p.manufacturer
ON CONFLICT (manufacturer_id, name) DO NOTHING;

INSERT INTO batches (product_id, batch_number, manufactured_on, expires_on)
SELECT p.id, 'DEMO-B' || lpad(p.id::text, 4, '0'), DATE '2026-01-15', DATE '2028-12-31'
  FROM products p
  JOIN manufacturers m ON m.id = p.manufacturer_id
 WHERE m.name LIKE '%(demo)'
ON CONFLICT (product_id, batch_number) DO NOTHING;

WITH category_prefix (category, prefix) AS (
    VALUES ('drugs', 'DRUG'), ('food', 'FOOD'), ('cosmetics', 'COSM'), ('other', 'OTHER')
), category_batches AS (
    SELECT m.category, array_agg(b.id ORDER BY b.id) AS ids
      FROM batches b
      JOIN products p      ON p.id = b.product_id
      JOIN manufacturers m ON m.id = p.manufacturer_id
     WHERE m.name LIKE '%(demo)'
     GROUP BY m.category
)
INSERT INTO product_codes (code, batch_id)
SELECT format('DEMO-%s-%s', cp.prefix, lpad(n::text, 4, '0')),
       cb.ids[1 + (n - 1) % array_length(cb.ids, 1)]
  FROM category_prefix cp
  JOIN category_batches cb USING (category)
 CROSS JOIN generate_series(1, 500) AS n
ON CONFLICT (code) DO NOTHING;
