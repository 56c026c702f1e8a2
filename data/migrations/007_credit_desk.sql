-- 007: the credit desk's night: how a complaint closed, complaints handed
-- to an ODR business, and the local involvement of each exposure.
--
-- outcome: a closed complaint's mediation result (调解结果), chosen when it
-- is closed: 'agreed' (达成协议), 'no-agreement' (未达成协议), or '' when
-- nobody said (intakes closed before this version, inquiries, tips).  The
-- disclosure table's 调解成功率 counts 'agreed' over both.
ALTER TABLE intake ADD COLUMN outcome TEXT NOT NULL DEFAULT ''
	CHECK (outcome IN ('', 'agreed', 'no-agreement'));
-- odr_uscc: handed to the business itself through the 12315 platform's
-- online dispute resolution (ODR): handling is 'transfer' (转交处理) and
-- the business named by this code is the handling party.
ALTER TABLE intake ADD COLUMN odr_uscc TEXT NOT NULL DEFAULT '';

-- The register's candidates for an exposure (its companies, their branches
-- and former names; its keywords in a name or 经营范围), found when the
-- exposure is recorded and again when its companies or keywords change or
-- a register is imported.  A copy, not a reference: a later import
-- replaces entity rows, and the desk must still see what it was shown.
CREATE TABLE exposure_candidate (
	exposure_id INTEGER NOT NULL REFERENCES exposure(id),
	uscc        TEXT NOT NULL,
	name        TEXT NOT NULL,
	unit_id     INTEGER REFERENCES unit(id),
	unit_text   TEXT NOT NULL DEFAULT '',
	address     TEXT NOT NULL DEFAULT '',
	term        TEXT NOT NULL,      -- the company or keyword that found it
	by_company  INTEGER NOT NULL DEFAULT 0 CHECK (by_company IN (0, 1)),
	PRIMARY KEY (exposure_id, uscc)
) WITHOUT ROWID;

-- What the desk confirmed is really involved (本地涉及：涉及 N 户): the
-- same copy, with who confirmed it and when.  An exposure checked with
-- nothing local has local = 'no' and no rows here.
CREATE TABLE exposure_local (
	exposure_id  INTEGER NOT NULL REFERENCES exposure(id),
	uscc         TEXT NOT NULL,
	name         TEXT NOT NULL,
	unit_id      INTEGER REFERENCES unit(id),
	unit_text    TEXT NOT NULL DEFAULT '',
	address      TEXT NOT NULL DEFAULT '',
	confirmed_by TEXT NOT NULL,
	confirmed_at INTEGER NOT NULL,
	PRIMARY KEY (exposure_id, uscc)
) WITHOUT ROWID;
-- Who last settled the exposure's local involvement, and when (0: never);
-- local_count is the number of confirmed entities, kept with them.
ALTER TABLE exposure ADD COLUMN local_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exposure ADD COLUMN local_by TEXT NOT NULL DEFAULT '';
ALTER TABLE exposure ADD COLUMN local_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exposure ADD COLUMN candidates INTEGER NOT NULL DEFAULT 0;

-- The disclosure table and the entity card count complaints by business.
CREATE INDEX intake_odr ON intake(odr_uscc) WHERE odr_uscc <> '';

-- The robots hear when local involvement is settled (local_set).  SQLite
-- cannot change a CHECK in place: the outbox is copied into a table with
-- the new list, under the same name and ids.  delivery refers to outbox by
-- name; store/db.c runs each migration with foreign keys off and checks
-- them all (foreign_key_check) before it commits.
CREATE TABLE outbox_007 (
	id          INTEGER PRIMARY KEY,
	created_at  INTEGER NOT NULL,
	event       TEXT NOT NULL CHECK (event IN ('exposure_new','level_raised','status_changed',
	                 'lead_set','deadline_soon','deadline_passed','digest','handover_signed',
	                 'local_set')),
	exposure_id INTEGER REFERENCES exposure(id),
	dedupe      TEXT UNIQUE,          -- events of time: made once whoever notices them
	payload     TEXT NOT NULL
);
INSERT INTO outbox_007(id, created_at, event, exposure_id, dedupe, payload)
	SELECT id, created_at, event, exposure_id, dedupe, payload FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_007 RENAME TO outbox;
