-- 007 (PostgreSQL): outcomes, ODR hand-over, exposures' local
-- involvement, as ../007_credit_desk.sql.  The outbox's event list is
-- widened in place (SQLite has to copy the table).
ALTER TABLE intake ADD COLUMN outcome text NOT NULL DEFAULT ''
	CHECK (outcome IN ('', 'agreed', 'no-agreement'));
ALTER TABLE intake ADD COLUMN odr_uscc text NOT NULL DEFAULT '';

CREATE TABLE exposure_candidate (
	exposure_id bigint NOT NULL REFERENCES exposure(id),
	uscc        text NOT NULL,
	name        text NOT NULL,
	unit_id     bigint REFERENCES unit(id),
	unit_text   text NOT NULL DEFAULT '',
	address     text NOT NULL DEFAULT '',
	term        text NOT NULL,
	by_company  integer NOT NULL DEFAULT 0 CHECK (by_company IN (0, 1)),
	PRIMARY KEY (exposure_id, uscc)
);

CREATE TABLE exposure_local (
	exposure_id  bigint NOT NULL REFERENCES exposure(id),
	uscc         text NOT NULL,
	name         text NOT NULL,
	unit_id      bigint REFERENCES unit(id),
	unit_text    text NOT NULL DEFAULT '',
	address      text NOT NULL DEFAULT '',
	confirmed_by text NOT NULL,
	confirmed_at bigint NOT NULL,
	PRIMARY KEY (exposure_id, uscc)
);
ALTER TABLE exposure ADD COLUMN local_count bigint NOT NULL DEFAULT 0;
ALTER TABLE exposure ADD COLUMN local_by text NOT NULL DEFAULT '';
ALTER TABLE exposure ADD COLUMN local_at bigint NOT NULL DEFAULT 0;
ALTER TABLE exposure ADD COLUMN candidates bigint NOT NULL DEFAULT 0;

CREATE INDEX intake_odr ON intake(odr_uscc) WHERE odr_uscc <> '';

ALTER TABLE outbox DROP CONSTRAINT outbox_event_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_event_check CHECK (event IN ('exposure_new','level_raised',
	'status_changed','lead_set','deadline_soon','deadline_passed','digest','handover_signed','local_set'));
