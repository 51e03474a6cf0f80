-- In the upsert's transaction: rows of that day the upsert did not touch (their agency has no flags in
-- it any more, e.g. after a purge) go; upserted rows carry this transaction's now() and stay.
DELETE FROM agency_flag_analytics WHERE day = ?::date AND computed_at < now()
