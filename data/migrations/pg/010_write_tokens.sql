-- 010 (PostgreSQL): which write a command's token became, as
-- ../010_write_tokens.sql.
CREATE TABLE write_token (
	token     text PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
	audit_id  bigint NOT NULL,   -- the audit row it came with (no key: the audit is append-only)
	entity    text NOT NULL,
	entity_id bigint NOT NULL
);
