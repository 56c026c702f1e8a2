-- 002: the relay: alerts to chat robots (transactional outbox) and the 8890 feed.

-- One row per event that the bureau's chat groups should hear about, written
-- in the same transaction as the change that causes it (or by the relay for
-- events of time: deadlines, digests).  payload holds only facts safe for a
-- third-party platform: titles, counts, units, levels, times; never a
-- caller's name or phone, a tip-giver's identity or complaint text.
CREATE TABLE outbox (
	id          INTEGER PRIMARY KEY,
	created_at  INTEGER NOT NULL,
	event       TEXT NOT NULL CHECK (event IN ('exposure_new','level_raised','status_changed',
	                 'lead_set','deadline_soon','deadline_passed','digest','handover_signed')),
	exposure_id INTEGER REFERENCES exposure(id),
	dedupe      TEXT UNIQUE,          -- events of time: made once whoever notices them
	payload     TEXT NOT NULL
);

-- What the relay did with an event for one robot.  Rows are made when the
-- relay first sees the event (fan-out), for the robots configured for it.
CREATE TABLE delivery (
	id         INTEGER PRIMARY KEY,
	outbox_id  INTEGER NOT NULL REFERENCES outbox(id),
	robot      TEXT NOT NULL,
	state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','failed')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at_ms INTEGER NOT NULL,      -- not before (backoff, Retry-After)
	last_error TEXT NOT NULL DEFAULT '',
	sent_at    INTEGER,
	UNIQUE (outbox_id, robot)
);
CREATE INDEX delivery_pending ON delivery(robot, id) WHERE state = 'pending';
CREATE INDEX delivery_failed ON delivery(id) WHERE state = 'failed';
CREATE INDEX delivery_sent ON delivery(robot, sent_at) WHERE state = 'sent';

-- Only one relay works a database: the holder renews its lease; another
-- takes over once it has expired (or its process is gone on this host).
CREATE TABLE relay_lease (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	host        TEXT NOT NULL,
	pid         INTEGER NOT NULL,
	unix_user   TEXT NOT NULL,
	acquired_at INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL
);

-- Per open exposure: the linked total the last digest reported.
CREATE TABLE digest_mark (
	exposure_id INTEGER PRIMARY KEY REFERENCES exposure(id),
	linked      INTEGER NOT NULL,
	at          INTEGER NOT NULL
);

-- Feed records that could not be used, with the raw record (sanitised) and
-- why; the same record seen again on a later poll is counted, not repeated.
CREATE TABLE feed_quarantine (
	id         INTEGER PRIMARY KEY,
	feed       TEXT NOT NULL,
	order_no   TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL,
	raw        TEXT NOT NULL,
	first_at   INTEGER NOT NULL,
	last_at    INTEGER NOT NULL,
	seen       INTEGER NOT NULL DEFAULT 1,
	UNIQUE (feed, raw)
);

-- Each feed's last poll, for `relay --check`, the console and the log.
CREATE TABLE feed_state (
	feed        TEXT PRIMARY KEY,
	last_poll   INTEGER NOT NULL DEFAULT 0,
	last_ok     INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	added       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
