-- Sessions are now stored under the SHA-256 of their id; rows from before hold raw ids that no
-- longer match any cookie. Dropped: everyone logs in again once.
DELETE FROM "staff_sessions";
