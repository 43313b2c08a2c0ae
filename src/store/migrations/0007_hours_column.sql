-- 0007: a resource's weekly hours become a column of resources instead of
-- rows of resource_hours. The hours are always read and written whole, with
-- the resource: as rows they were five times the resources themselves, and
-- on PostgreSQL each row cost a reference check of its own (a first import of
-- 100,000 places wrote 500,000 of them and spent about a third of its time
-- there). The text: "W:OPEN-CLOSE" (weekday 0-6, 7 for holidays; minutes
-- since midnight) sorted by weekday, opening and closing, joined by ","; NULL
-- when there are none (store/hours_col.h reads and writes it). The CHECK
-- keeps any other character out; the domain checks the numbers before a
-- write, as it did for the rows.
-- @sqlite
ALTER TABLE resources ADD COLUMN hours TEXT
  CHECK (hours IS NULL OR (hours <> '' AND hours NOT GLOB '*[^0-9:,-]*'));
UPDATE resources SET hours = (
  SELECT group_concat(x, ',') FROM (
    SELECT h.weekday || ':' || h.open_min || '-' || h.close_min AS x FROM resource_hours h
    WHERE h.tenant_id = resources.tenant_id AND h.resource_id = resources.id
    ORDER BY h.weekday, h.open_min, h.close_min))
  WHERE EXISTS (SELECT 1 FROM resource_hours h
                WHERE h.tenant_id = resources.tenant_id AND h.resource_id = resources.id);
-- @postgresql
ALTER TABLE resources ADD COLUMN hours text
  CHECK (hours ~ '^[0-9]{1,5}:[0-9]{1,5}-[0-9]{1,5}(,[0-9]{1,5}:[0-9]{1,5}-[0-9]{1,5})*$');
UPDATE resources r SET hours = h.t
  FROM (SELECT tenant_id, resource_id,
               string_agg(weekday || ':' || open_min || '-' || close_min, ','
                          ORDER BY weekday, open_min, close_min) AS t
        FROM resource_hours GROUP BY tenant_id, resource_id) h
  WHERE r.tenant_id = h.tenant_id AND r.id = h.resource_id;
-- @both
DROP TABLE resource_hours;
