-- The national numbers and request bodies removed by up.sql are not restored (that would copy personal
-- data back); the person's id stays in the notices.
SELECT 1;
