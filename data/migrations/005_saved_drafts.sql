-- 005: which console draft became which intake.  The console writes every
-- keystroke of a new intake to a draft file and deletes it after the save
-- commits; a console killed between the two would offer the draft again
-- and a second save would log the complaint twice.  The draft carries a
-- random token; saving records it here in the intake's own transaction, so
-- a draft whose token is here was saved already (and a second save is
-- refused by the key).
CREATE TABLE saved_draft (
	token     TEXT PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
	intake_id INTEGER NOT NULL REFERENCES intake(id)
) WITHOUT ROWID;
