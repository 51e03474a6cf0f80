SELECT month, total_flags, generated_at FROM monthly_reports ORDER BY month DESC
