-- 003: the morning: handovers between shifts and the statistics report's
-- hand-entered rows.

-- The outgoing shift signs; the incoming one accepts (noting anything it
-- disputes).  snapshot is what was open at signing (JSON), so the morning
-- can see what changed since.
CREATE TABLE handover (
	id           INTEGER PRIMARY KEY,
	signed_at    INTEGER NOT NULL,
	signed_by    TEXT NOT NULL,            -- Unix user
	names        TEXT NOT NULL,            -- officers on duty, as typed
	note         TEXT NOT NULL DEFAULT '',
	snapshot     TEXT NOT NULL,
	accepted_at  INTEGER,
	accepted_by  TEXT,
	accept_names TEXT NOT NULL DEFAULT '',
	dispute      TEXT NOT NULL DEFAULT '',
	CHECK ((accepted_at IS NULL) = (accepted_by IS NULL))
);

-- Rows of a statistics table that are typed in (宣传资料 份, 新闻发布 次 …),
-- per template and year.
CREATE TABLE report_value (
	template TEXT NOT NULL,
	year     INTEGER NOT NULL,
	row_key  TEXT NOT NULL,
	value    TEXT NOT NULL,
	set_at   INTEGER NOT NULL,
	set_by   TEXT NOT NULL,
	PRIMARY KEY (template, year, row_key)
) WITHOUT ROWID;
