-- A report made after its month ended is final; a preliminary one never replaces a final one
-- (a late or repeated preliminary run). RETURNING nothing means the final report was kept.
INSERT INTO monthly_reports (month, csv, html, total_flags, final, covers_until, generated_at)
VALUES (?, ?, ?, ?, ?, ?, now())
ON CONFLICT (month) DO UPDATE
   SET csv = EXCLUDED.csv, html = EXCLUDED.html, total_flags = EXCLUDED.total_flags, final = EXCLUDED.final,
       covers_until = EXCLUDED.covers_until, generated_at = now()
 WHERE EXCLUDED.final OR NOT monthly_reports.final
RETURNING final
