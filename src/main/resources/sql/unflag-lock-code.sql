-- The code to unflag, locked until the transaction ends (a concurrent unflag waits, then sees it cleared).
SELECT c.id, c.code, c.is_flagged, c.unflagged_at
  FROM product_codes c
 WHERE c.code = ?
   FOR UPDATE
