-- Month-end reports: a preliminary one (made before the month ended, covering flags until it was made)
-- and the final one (made after the month ended) that replaces it. Reports stored before this
-- migration were made at 23:55 on the last day or on demand; which is unknown, so they count as
-- preliminary until the month-end-report job (or an admin run with month=YYYY-MM) makes them again.
ALTER TABLE monthly_reports
    ADD COLUMN final        boolean     NOT NULL DEFAULT false,
    ADD COLUMN covers_until timestamptz;
