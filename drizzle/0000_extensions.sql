-- Trigram indexes serve ILIKE '%…%' search on leads. PGlite, Neon and PostgreSQL all ship pg_trgm.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
