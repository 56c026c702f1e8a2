-- 004: who may do what.  Identity is the Unix user running the program
-- (the server's SSH login), never a flag.  The user who creates (or
-- migrates) the database becomes its first admin (src/store/db.c).
CREATE TABLE member (
	unix_user TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	role      TEXT NOT NULL CHECK (role IN ('operator','leader','admin')),
	unit_id   INTEGER REFERENCES unit(id),
	added_at  INTEGER NOT NULL,
	added_by  TEXT NOT NULL
) WITHOUT ROWID;

-- A tip (举报) may be marked confidential: its tip-giver is then visible
-- only to the member who recorded it and to admins.
ALTER TABLE intake ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0 CHECK (confidential IN (0,1));

-- The audit chain's head (last id and hash), kept in the same transaction
-- as every audit row, so rows cut off the end of the chain show too.
INSERT OR REPLACE INTO setting(key, value)
	SELECT 'audit_head', id || ' ' || hash FROM audit ORDER BY id DESC LIMIT 1;
