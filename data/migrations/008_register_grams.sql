-- 008: the register's search at a million entities.
--
-- entity_gram: the index for search terms of one or two characters.
-- entity_fts (006) is a trigram index: it finds terms of 3+ characters.
-- A name fragment of two (瑞禾, 酸菜) or one character fell back to LIKE
-- over every row (110 ms at 200,000 entities).  This index holds each
-- column as its overlapping character pairs and its last character, one
-- token each ("老王酸菜" is written "老王 王酸 酸菜 菜" by zs_grams(), an
-- SQL function of the store, src/store/entity.c): a two-character term is
-- one token ("酸菜"), a one-character term a token prefix ("酸"*), and
-- every row that holds the term has that token in the same column (the
-- search still checks each row with LIKE: the index only narrows them).
-- unicode61 keeps letters and digits (Chinese included) in tokens and
-- folds ASCII case as LIKE does.  Contentless and without positions
-- (detail=column: terms are single tokens, never phrases).  Like
-- entity_fts, an import empties it before its rows and fills it once
-- after them (store/entity.c).
CREATE VIRTUAL TABLE entity_gram USING fts5(
	name, former_names, person, address,
	content='', detail='column', tokenize='unicode61');

-- Both text indexes are built in one go by an import: a 64 MiB pending
-- hash (FTS5's default is 1 MiB) flushes 64 times less often and leaves
-- fewer segments to merge; building entity_fts over 1,000,000 entities
-- takes 10 s instead of 24 s.  (Only imports write these tables.)
INSERT INTO entity_fts(entity_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO entity_gram(entity_gram, rank) VALUES ('hashsize', 67108864);

-- The secondary indexes, made by 006's import until now: here, so that
-- the schema holds every index an import drops and makes again (from
-- sqlite_master's text, store/bulk.c).
CREATE INDEX IF NOT EXISTS entity_name ON entity(name);
CREATE INDEX IF NOT EXISTS entity_unit ON entity(unit_id);

-- Ids in name order, as every import numbers them from now on: a page of
-- a search's rows by name is then the text indexes' first rows (see
-- store_entity_each).  The register imported before this version is
-- renumbered, and its text indexes made again.
CREATE TEMP TABLE entity_renumber AS
	SELECT id AS old, row_number() OVER (ORDER BY name, id) AS new FROM entity;
CREATE INDEX temp.entity_renumber_old ON entity_renumber(old);
UPDATE entity SET id = -id;
UPDATE entity SET id = (SELECT new FROM temp.entity_renumber WHERE old = -entity.id);
DROP TABLE temp.entity_renumber;
INSERT INTO entity_fts(entity_fts) VALUES ('rebuild');
INSERT INTO entity_gram(rowid, name, former_names, person, address)
	SELECT id, zs_grams(name), zs_grams(former_names), zs_grams(person), zs_grams(address)
	FROM entity;
