INSERT INTO monthly_reports (month, csv, html, total_flags, generated_at)
VALUES (?, ?, ?, ?, now())
ON CONFLICT (month) DO UPDATE
   SET csv = EXCLUDED.csv, html = EXCLUDED.html, total_flags = EXCLUDED.total_flags, generated_at = now()
