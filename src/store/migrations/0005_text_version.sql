-- 0005: the rules each stored search text was built with. A text built by
-- older normalization rules (core/search.h TG_SEARCH_TEXT_VERSION) may read
-- differently now; a server rebuilds those at its index load, answers
-- searches with the new text at once and writes it back (app.c). Rows
-- written before this migration are version 1; every write now stores the
-- version its text was built with.
ALTER TABLE resources ADD COLUMN text_version INTEGER NOT NULL DEFAULT 1;
