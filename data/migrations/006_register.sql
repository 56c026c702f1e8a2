-- 006: the credit desk's market-entity register (市场主体登记册).
--
-- The district's export from the registration system, imported whole:
-- each import replaces every entity and adds one register_snapshot row
-- (its as-of date, the file's SHA-256, who imported it and when).  Rows
-- are written only by an import (store/entity.c), which rebuilds the text
-- index once after its rows rather than row by row through triggers.

CREATE TABLE register_snapshot (
	id INTEGER PRIMARY KEY,
	as_of TEXT NOT NULL,            -- YYYY-MM-DD: the register as it was that day
	file TEXT NOT NULL,             -- the path given to entity import
	file_hash TEXT NOT NULL,        -- SHA-256 (hex) of the file's bytes
	imported_by TEXT NOT NULL,      -- the Unix user
	imported_at INTEGER NOT NULL,   -- epoch seconds
	rows INTEGER NOT NULL,          -- entities imported
	skipped INTEGER NOT NULL DEFAULT 0  -- bad rows left out (--skip-bad)
);

CREATE TABLE entity (
	id INTEGER PRIMARY KEY,
	uscc TEXT NOT NULL,             -- 统一社会信用代码, or an old record's 注册号
	name TEXT NOT NULL,             -- 名称 / 企业名称 / 字号名称
	former_names TEXT NOT NULL DEFAULT '',  -- 曾用名, as the export lists them
	type TEXT NOT NULL DEFAULT '',  -- 类型 / 市场主体类型
	person TEXT NOT NULL DEFAULT '',  -- 法定代表人 / 负责人 / 经营者
	address TEXT NOT NULL DEFAULT '', -- 住所 / 经营场所
	authority TEXT NOT NULL DEFAULT '', -- 登记机关
	unit_id INTEGER REFERENCES unit(id),  -- the supervising station, when its name matched a unit
	unit_text TEXT NOT NULL DEFAULT '',   -- 管辖单位 as the export wrote it
	founded TEXT NOT NULL DEFAULT '',     -- 成立日期, YYYY-MM-DD or ''
	state TEXT NOT NULL CHECK (state IN ('存续', '在业', '吊销', '注销', '迁出')),
	scope TEXT NOT NULL DEFAULT '',       -- 经营范围
	licences TEXT NOT NULL DEFAULT '',    -- 许可证号 (食品经营许可证 …)
	odr INTEGER NOT NULL DEFAULT 0 CHECK (odr IN (0, 1))  -- 是否ODR企业
);
-- The code's index stays through an import (it finds a code given twice);
-- the others (entity_name, entity_unit) are made by the import after its
-- rows, as store/entity.c defines them: building an index once over a
-- million rows is cheaper than keeping it row by row.
CREATE UNIQUE INDEX entity_uscc ON entity(uscc);

-- Text search as for intakes: trigram FTS for terms of 3+ characters,
-- LIKE for 1-2 (both in store_entity_each).  External content, no
-- triggers: an import fills entity, then rebuilds this index once.
CREATE VIRTUAL TABLE entity_fts USING fts5(
	name, former_names, person, address, scope,
	content='entity', content_rowid='id', tokenize='trigram');

-- The entity card's intakes: those naming a business by its USCC (those
-- without one are found by their subject, intake_subject).
CREATE INDEX intake_uscc ON intake(uscc, received_at) WHERE uscc <> '';
