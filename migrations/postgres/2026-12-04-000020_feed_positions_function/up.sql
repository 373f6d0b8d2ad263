-- The last statement of every write transaction (decision 10): the feed events it wrote take the next
-- positions, in write order, under a transaction-scoped advisory lock that the commit releases. As a
-- function, the lock and the numbering are one round trip, and the session keeps both plans instead of
-- parsing them again in every transaction. VOLATILE (the default): the UPDATE takes its snapshot after the
-- lock is held, so it sees every position committed before, as the two separate statements did.
CREATE FUNCTION position_feed_events() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM (SELECT pg_advisory_xact_lock(7243001) FROM outbox_events WHERE seq IS NULL LIMIT 1) AS pending;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE outbox_events AS event SET seq = base.last_seq + pending.rank
      FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM outbox_events WHERE seq IS NULL) AS pending,
           (SELECT COALESCE(MAX(seq), 0) AS last_seq FROM outbox_events) AS base
     WHERE event.id = pending.id;
    RETURN true;
END;
$$;
