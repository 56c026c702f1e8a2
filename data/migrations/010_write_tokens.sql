-- 010: which write a command's token became.  A command run against a
-- server (PostgreSQL) can lose its connection after its COMMIT was sent and
-- before the answer came back: did the exposure, the opinion, the action,
-- the 批示, the unit, the member get written?  Each such command carries a
-- random token; the store records it, in the write's own transaction, with
-- the first audit row of that transaction.  After reconnecting, a token
-- found here says the write committed (and which row it made), so the
-- command reports it instead of writing it twice; a token not here says it
-- did not, and the write is run again with the same token.  (Intakes keep
-- their own table, 005's saved_draft, which the console's drafts share.)
CREATE TABLE write_token (
	token     TEXT PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
	audit_id  INTEGER NOT NULL,   -- the audit row it came with (no key: the audit is append-only)
	entity    TEXT NOT NULL,
	entity_id INTEGER NOT NULL
) WITHOUT ROWID;
