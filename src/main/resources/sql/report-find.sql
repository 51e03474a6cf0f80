SELECT csv, html FROM monthly_reports WHERE month = ?
