-- 009 (PostgreSQL): the register's search at a million entities.  SQLite
-- needs its own pair index and name-order table for that (../009_register_search.sql:
-- entity_gram, entity_order, filled through zs_grams()); here a pg_trgm GIN
-- index answers terms of 3+ characters and the name index pages in name
-- order, so neither table exists on PostgreSQL.  Terms of 1-2 characters
-- use LIKE, as on SQLite before 009; without pg_trgm, every term does.
CREATE INDEX entity_name ON entity(name);
CREATE INDEX entity_unit ON entity(unit_id);
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
		CREATE INDEX entity_trgm ON entity USING gin (name gin_trgm_ops, former_names gin_trgm_ops,
			person gin_trgm_ops, address gin_trgm_ops, scope gin_trgm_ops);
	END IF;
END $$;
