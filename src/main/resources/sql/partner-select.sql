-- Partners as admins see them (never the secret), with what they sent.
SELECT p.id, p.name, p.active, p.created_at, p.transport, p.source,
       (SELECT count(*) FROM inbound_events i WHERE i.partner = p.name) AS inbound_events,
       (SELECT max(i.received_at) FROM inbound_events i WHERE i.partner = p.name) AS last_received_at
  FROM partners p
