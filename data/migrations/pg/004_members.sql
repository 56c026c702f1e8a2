-- 004 (PostgreSQL): members and confidential tips, as ../004_members.sql.
CREATE TABLE member (
	unix_user text PRIMARY KEY,
	name      text NOT NULL,
	role      text NOT NULL CHECK (role IN ('operator','leader','admin')),
	unit_id   bigint REFERENCES unit(id),
	added_at  bigint NOT NULL,
	added_by  text NOT NULL
);

ALTER TABLE intake ADD COLUMN confidential integer NOT NULL DEFAULT 0 CHECK (confidential IN (0,1));

-- The audit chain's head (last id and hash), kept in the same transaction
-- as every audit row.  (SQLite: INSERT OR REPLACE.)
INSERT INTO setting(key, value)
	SELECT 'audit_head', id || ' ' || hash FROM audit ORDER BY id DESC LIMIT 1
	ON CONFLICT (key) DO UPDATE SET value = excluded.value;
