-- The life a lease was taken for (its TTL), Unix microseconds: a lease
-- expiring further ahead than that was taken on a clock since set back,
-- and has expired. 0 for a lease taken before it was recorded.
ALTER TABLE leases ADD COLUMN life INTEGER NOT NULL DEFAULT 0;
