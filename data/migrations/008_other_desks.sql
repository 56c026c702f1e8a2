-- 008: the night's other desks: the publicity office's opinion watch, the
-- numbered progress reports to the city, and entry into the national 12315
-- platform.

-- What the publicity office saw online (舆情): where, what, how far it
-- reached, how serious (一般 normal / 关注 watch / 重大 major), where it
-- stands (监测中 watching / 已报告 reported / 已回应 responded / 已平息
-- settled), and the approved response wording (回应口径), a leader's.  The
-- link is outside text: kept and shown, never fetched.
CREATE TABLE opinion (
	id          INTEGER PRIMARY KEY,
	platform    TEXT NOT NULL CHECK (platform IN ('weibo','wechat','douyin','toutiao','news','forum','other')),
	title       TEXT NOT NULL,
	url         TEXT NOT NULL DEFAULT '',
	summary     TEXT NOT NULL DEFAULT '',
	found_at    INTEGER NOT NULL,
	reach       INTEGER CHECK (reach IS NULL OR reach >= 0),
	level       TEXT NOT NULL DEFAULT 'normal' CHECK (level IN ('normal','watch','major')),
	status      TEXT NOT NULL DEFAULT 'watching' CHECK (status IN ('watching','reported','responded','settled')),
	response    TEXT NOT NULL DEFAULT '',
	response_by TEXT NOT NULL DEFAULT '',
	response_at INTEGER NOT NULL DEFAULT 0,
	exposure_id INTEGER REFERENCES exposure(id),
	intake_id   INTEGER REFERENCES intake(id),
	created_at  INTEGER NOT NULL,
	created_by  TEXT NOT NULL,
	updated_at  INTEGER NOT NULL
);
CREATE INDEX opinion_open ON opinion(status, level, found_at);
CREATE INDEX opinion_exposure ON opinion(exposure_id) WHERE exposure_id IS NOT NULL;

-- Notes on an opinion as it develops, signed and timed.
CREATE TABLE opinion_note (
	id         INTEGER PRIMARY KEY,
	opinion_id INTEGER NOT NULL REFERENCES opinion(id),
	at         INTEGER NOT NULL,
	by_user    TEXT NOT NULL,
	text       TEXT NOT NULL
);
CREATE INDEX opinion_note_op ON opinion_note(opinion_id, at);

-- Progress reports sent up (上报进展情况): 第N报 of one exposure, or the
-- morning's summary of a gala's exposures (exposure_id NULL, gala_id set).
-- What a report covered is kept (the last action and instruction it
-- reported, its text as written) so the next one says 续报 and what
-- happened since.
CREATE TABLE exposure_report (
	id               INTEGER PRIMARY KEY,
	exposure_id      INTEGER REFERENCES exposure(id),
	gala_id          INTEGER REFERENCES gala(id),
	number           INTEGER NOT NULL CHECK (number >= 1),
	at               INTEGER NOT NULL,
	by_user          TEXT NOT NULL,
	next_steps       TEXT NOT NULL DEFAULT '',
	last_action      INTEGER NOT NULL DEFAULT 0,   -- exposure_action.id, 0: none
	last_instruction INTEGER NOT NULL DEFAULT 0,   -- exposure_instruction.id, 0: none
	body             TEXT NOT NULL,
	CHECK ((exposure_id IS NULL) <> (gala_id IS NULL))
);
CREATE UNIQUE INDEX exposure_report_number ON exposure_report(exposure_id, number) WHERE exposure_id IS NOT NULL;
CREATE UNIQUE INDEX exposure_report_summary ON exposure_report(gala_id, number) WHERE gala_id IS NOT NULL;

-- An intake's number on the national 12315 platform (录入12315平台系统),
-- who entered it and when; '' not yet entered.
ALTER TABLE intake ADD COLUMN platform_no TEXT NOT NULL DEFAULT '';
ALTER TABLE intake ADD COLUMN platform_by TEXT NOT NULL DEFAULT '';
ALTER TABLE intake ADD COLUMN platform_at INTEGER NOT NULL DEFAULT 0;

-- The leaders' robots hear when an opinion is raised to 重大
-- (opinion_major).  As in 007, the outbox is copied into a table with the
-- wider list under the same name and ids; store/db.c runs the migration
-- with foreign keys off and checks them before it commits.
CREATE TABLE outbox_008 (
	id          INTEGER PRIMARY KEY,
	created_at  INTEGER NOT NULL,
	event       TEXT NOT NULL CHECK (event IN ('exposure_new','level_raised','status_changed',
	                 'lead_set','deadline_soon','deadline_passed','digest','handover_signed',
	                 'local_set','opinion_major')),
	exposure_id INTEGER REFERENCES exposure(id),
	dedupe      TEXT UNIQUE,          -- events of time: made once whoever notices them
	payload     TEXT NOT NULL
);
INSERT INTO outbox_008(id, created_at, event, exposure_id, dedupe, payload)
	SELECT id, created_at, event, exposure_id, dedupe, payload FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_008 RENAME TO outbox;
