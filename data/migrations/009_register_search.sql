-- 009: the register's search at a million entities.
--
-- entity_gram replaces 006's trigram index (entity_fts).  A trigram index
-- finds terms of 3+ characters only: a name fragment of two (瑞禾, 酸菜)
-- or one character fell back to LIKE over every row (110 ms at 200,000
-- entities).  entity_gram holds each column as its overlapping character
-- pairs and its last character, one token each ("老王酸菜" is written
-- "老王 王酸 酸菜 菜" by zs_grams(), an SQL function of the store,
-- src/store/entity.c).  A term is looked up as its pairs ("瑞禾餐饮":
-- "瑞禾" AND "禾餐" AND "餐饮" in one column), one character as a token
-- prefix ("酸"*): every row that holds the term has them, and the search
-- checks each row it finds with LIKE (the index only narrows).  The ascii
-- tokenizer splits only at ASCII spaces and punctuation and folds ASCII
-- case, as LIKE does.  Without positions (detail=column).  Cheaper to
-- build than the trigram index it replaces (one token per character, and
-- the pairs of a register's vocabulary are fewer than its trigrams).
--
-- Its rowids are each entity's place in name order (entity_order.r), not
-- its id: the rows a search finds, by name, are then the index's own
-- order, and a page of 50 among hundreds of thousands is the first 50 it
-- gives (store_entity_each).  Contentless: the search reads the columns
-- from entity.
--
-- An import empties both before its rows and fills them once after, in r
-- order (store/entity.c): FTS5 builds in one go only when rowids rise.
DROP TABLE entity_fts;
CREATE VIRTUAL TABLE entity_gram USING fts5(
	name, former_names, person, address, scope,
	content='', detail='column', tokenize='ascii');
CREATE TABLE entity_order (
	r INTEGER PRIMARY KEY,          -- 1, 2, ... in (name, id) order
	id INTEGER NOT NULL             -- entity.id
);
-- A 64 MiB pending hash (FTS5's default is 1 MiB) flushes 64 times less
-- often while an import fills it and leaves fewer segments to merge
-- (a trigram index over 1,000,000 entities: 10 s instead of 24 s).
INSERT INTO entity_gram(entity_gram, rank) VALUES ('hashsize', 67108864);

-- The secondary indexes, made by 006's import until now: here, so that
-- the schema holds every index an import drops and makes again (from
-- sqlite_master's text, store/bulk.c).
CREATE INDEX IF NOT EXISTS entity_name ON entity(name);
CREATE INDEX IF NOT EXISTS entity_unit ON entity(unit_id);

-- A register imported before this version, as an import now leaves it.
INSERT INTO entity_order(id) SELECT id FROM entity ORDER BY name, id;
INSERT INTO entity_gram(rowid, name, former_names, person, address, scope)
	SELECT o.r, zs_grams(e.name), zs_grams(e.former_names), zs_grams(e.person), zs_grams(e.address),
	       zs_grams(e.scope)
	FROM entity_order o JOIN entity e ON e.id = o.id ORDER BY o.r;
