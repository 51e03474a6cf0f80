-- One digest run per agency at a time (an admin run and the schedule may overlap): lock its row.
SELECT name FROM agencies WHERE id = ? FOR UPDATE
