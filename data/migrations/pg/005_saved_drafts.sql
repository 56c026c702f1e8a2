-- 005 (PostgreSQL): which console draft became which intake, as
-- ../005_saved_drafts.sql.  On PostgreSQL the same token resolves a save
-- whose commit outcome a lost connection left unknown.
CREATE TABLE saved_draft (
	token     text PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
	intake_id bigint NOT NULL REFERENCES intake(id)
);
