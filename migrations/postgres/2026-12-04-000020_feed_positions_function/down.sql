DROP FUNCTION position_feed_events();
