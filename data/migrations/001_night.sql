-- 001: the duty night's data.
-- Instants are INTEGER Unix seconds (UTC); dates of duty are 'YYYY-MM-DD' in
-- the bureau's zone.  Codes (channel, kind, status ...) are stable English
-- strings; labels live in the program (src/core/codes.c).

CREATE TABLE setting (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE unit (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL DEFAULT '科室' CHECK (kind IN ('科室','所','队','中心','其他'))
);

-- The galas of the night (the local gala on 14 March, CCTV's on 15 March).
CREATE TABLE gala (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL,
	starts_at INTEGER NOT NULL,
	ends_at   INTEGER NOT NULL,
	CHECK (ends_at > starts_at)
);
CREATE INDEX gala_starts ON gala(starts_at);

CREATE TABLE roster (
	id          INTEGER PRIMARY KEY,
	duty_date   TEXT NOT NULL,
	unit_id     INTEGER NOT NULL REFERENCES unit(id),
	name        TEXT NOT NULL,
	title       TEXT NOT NULL DEFAULT '',
	landline    TEXT NOT NULL DEFAULT '',
	mobile      TEXT NOT NULL DEFAULT '',
	shift_start INTEGER NOT NULL,
	shift_end   INTEGER NOT NULL,
	is_leader   INTEGER NOT NULL DEFAULT 0 CHECK (is_leader IN (0,1)),
	UNIQUE (duty_date, unit_id, name),
	CHECK (shift_end > shift_start)
);
CREATE INDEX roster_shift ON roster(shift_start, shift_end);

CREATE TABLE exposure (
	id           INTEGER PRIMARY KEY,
	aired_at     INTEGER NOT NULL,
	title        TEXT NOT NULL,
	industry     TEXT NOT NULL DEFAULT '',
	companies    TEXT NOT NULL DEFAULT '',   -- ';'-separated
	keywords     TEXT NOT NULL DEFAULT '',   -- ';'-separated
	local        TEXT NOT NULL DEFAULT 'unknown' CHECK (local IN ('unknown','yes','no')),
	lead_unit_id INTEGER REFERENCES unit(id),
	assist_units TEXT NOT NULL DEFAULT '',   -- ';'-separated unit names
	level        INTEGER NOT NULL DEFAULT 4 CHECK (level BETWEEN 1 AND 4),
	status       TEXT NOT NULL DEFAULT 'aired',
	deadline     INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	created_by   TEXT NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX exposure_open ON exposure(status, level, deadline);

CREATE TABLE exposure_action (
	id          INTEGER PRIMARY KEY,
	exposure_id INTEGER NOT NULL REFERENCES exposure(id),
	at          INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	count       INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
	note        TEXT NOT NULL DEFAULT '',
	by_user     TEXT NOT NULL
);
CREATE INDEX exposure_action_exp ON exposure_action(exposure_id, at);

CREATE TABLE exposure_instruction (
	id          INTEGER PRIMARY KEY,
	exposure_id INTEGER NOT NULL REFERENCES exposure(id),
	at          INTEGER NOT NULL,
	text        TEXT NOT NULL,
	by_user     TEXT NOT NULL
);
CREATE INDEX exposure_instruction_exp ON exposure_instruction(exposure_id, at);

CREATE TABLE intake (
	id               INTEGER PRIMARY KEY,
	received_at      INTEGER NOT NULL,
	channel          TEXT NOT NULL,
	kind             TEXT NOT NULL CHECK (kind IN ('complaint','tip','inquiry')),
	caller           TEXT NOT NULL DEFAULT '',
	phone            TEXT NOT NULL DEFAULT '',
	subject          TEXT NOT NULL DEFAULT '',
	uscc             TEXT NOT NULL DEFAULT '',
	category         TEXT NOT NULL DEFAULT '',
	summary          TEXT NOT NULL,
	ref              TEXT NOT NULL DEFAULT '',
	exposure_id      INTEGER REFERENCES exposure(id),
	handling         TEXT NOT NULL DEFAULT '' CHECK (handling IN ('','direct','transfer')),
	transfer_unit_id INTEGER REFERENCES unit(id),
	status           TEXT NOT NULL DEFAULT 'new',
	duplicate_of     INTEGER REFERENCES intake(id),
	recovered_fen    INTEGER NOT NULL DEFAULT 0 CHECK (recovered_fen >= 0),
	notes            TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL,
	created_by       TEXT NOT NULL,
	updated_at       INTEGER NOT NULL
);
-- Covering index for the board: counts since a gala began read only the
-- night's slice of this index, never the table.
CREATE INDEX intake_board ON intake(received_at, channel, kind, status, exposure_id);
CREATE INDEX intake_status ON intake(status, id);
-- The unresolved page walks this partial index newest first.
CREATE INDEX intake_open ON intake(id) WHERE status IN ('new','accepted','transferred','handling');
CREATE INDEX intake_exposure ON intake(exposure_id, id) WHERE exposure_id IS NOT NULL;
CREATE INDEX intake_phone ON intake(phone, received_at) WHERE phone <> '';
CREATE INDEX intake_subject ON intake(subject, received_at) WHERE subject <> '';
CREATE INDEX intake_ref ON intake(channel, ref) WHERE ref <> '';
CREATE INDEX intake_channel ON intake(channel, id);
CREATE INDEX intake_kind ON intake(kind, id);

-- Unresolved and per-status totals over all time, kept by triggers so the
-- board never counts a million rows.
CREATE TABLE intake_tally (
	status TEXT PRIMARY KEY,
	n      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER intake_tally_ins AFTER INSERT ON intake BEGIN
	INSERT INTO intake_tally(status, n) VALUES (NEW.status, 1)
	ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER intake_tally_del AFTER DELETE ON intake BEGIN
	UPDATE intake_tally SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER intake_tally_upd AFTER UPDATE OF status ON intake
WHEN NEW.status <> OLD.status BEGIN
	UPDATE intake_tally SET n = n - 1 WHERE status = OLD.status;
	INSERT INTO intake_tally(status, n) VALUES (NEW.status, 1)
	ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

-- Text search: trigram FTS for terms of 3+ characters (external content).
CREATE VIRTUAL TABLE intake_fts USING fts5(
	subject, summary, ref, content='intake', content_rowid='id', tokenize='trigram');
CREATE TRIGGER intake_fts_ins AFTER INSERT ON intake BEGIN
	INSERT INTO intake_fts(rowid, subject, summary, ref) VALUES (NEW.id, NEW.subject, NEW.summary, NEW.ref);
END;
CREATE TRIGGER intake_fts_del AFTER DELETE ON intake BEGIN
	INSERT INTO intake_fts(intake_fts, rowid, subject, summary, ref) VALUES ('delete', OLD.id, OLD.subject, OLD.summary, OLD.ref);
END;
CREATE TRIGGER intake_fts_upd AFTER UPDATE OF subject, summary, ref ON intake BEGIN
	INSERT INTO intake_fts(intake_fts, rowid, subject, summary, ref) VALUES ('delete', OLD.id, OLD.subject, OLD.summary, OLD.ref);
	INSERT INTO intake_fts(rowid, subject, summary, ref) VALUES (NEW.id, NEW.subject, NEW.summary, NEW.ref);
END;

CREATE VIRTUAL TABLE exposure_fts USING fts5(
	title, industry, companies, keywords, content='exposure', content_rowid='id', tokenize='trigram');
CREATE TRIGGER exposure_fts_ins AFTER INSERT ON exposure BEGIN
	INSERT INTO exposure_fts(rowid, title, industry, companies, keywords) VALUES (NEW.id, NEW.title, NEW.industry, NEW.companies, NEW.keywords);
END;
CREATE TRIGGER exposure_fts_del AFTER DELETE ON exposure BEGIN
	INSERT INTO exposure_fts(exposure_fts, rowid, title, industry, companies, keywords) VALUES ('delete', OLD.id, OLD.title, OLD.industry, OLD.companies, OLD.keywords);
END;
CREATE TRIGGER exposure_fts_upd AFTER UPDATE OF title, industry, companies, keywords ON exposure BEGIN
	INSERT INTO exposure_fts(exposure_fts, rowid, title, industry, companies, keywords) VALUES ('delete', OLD.id, OLD.title, OLD.industry, OLD.companies, OLD.keywords);
	INSERT INTO exposure_fts(rowid, title, industry, companies, keywords) VALUES (NEW.id, NEW.title, NEW.industry, NEW.companies, NEW.keywords);
END;

-- The audit trail: append-only, hash-chained (hash = SHA-256 over prev_hash
-- and the row's fields, computed by src/store/audit.c).
CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	unix_user TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id INTEGER NOT NULL,
	action    TEXT NOT NULL,
	fields    TEXT NOT NULL DEFAULT '',
	before    TEXT NOT NULL DEFAULT '',
	after     TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
	SELECT RAISE(ABORT, 'audit rows cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
	SELECT RAISE(ABORT, 'audit rows cannot be deleted');
END;
