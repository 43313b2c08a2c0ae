-- 0006: a fee can be "not known" (fee_free = -1; 1 free, 0 paid). The
-- open-data facility lists and HSDS never say whether a place charges, yet
-- imports stored 0, which every page showed as 有料 (paid). Imported rows
-- whose fee is still what an import wrote (0 and no fee text) become "not
-- known": sources jp-facilities:CODE, hsds, and tsunagu (new rows from a
-- tsunagu CSV export, which has no fee column). Rows entered by hand, demo
-- rows, and imported rows with a fee text keep theirs. (A person who chose
-- 有料 without a text on an imported row is asked again: the row cannot
-- tell that choice from the import's.)
UPDATE resources SET fee_free = -1
  WHERE (source LIKE 'jp-facilities:%' OR source IN ('hsds', 'tsunagu'))
    AND fee_free = 0 AND (fee_text IS NULL OR fee_text = '');
