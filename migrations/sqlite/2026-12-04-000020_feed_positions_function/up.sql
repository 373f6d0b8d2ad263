-- Nothing on SQLite: its single writer positions events as they are written (see the PostgreSQL tree,
-- where `position_feed_events()` gives positions at commit). The same name in both trees keeps their
-- histories aligned.
SELECT 1;
