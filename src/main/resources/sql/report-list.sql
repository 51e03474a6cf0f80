SELECT month, total_flags, final, covers_until, generated_at FROM monthly_reports ORDER BY month DESC
