-- The active partners one broker transport consumes for: what each instance keeps a consumer for.
SELECT name, source FROM partners WHERE active AND transport = ? ORDER BY name
