-- 0004: the change history by tenant and id. A running server asks every few
-- seconds which resources another process deleted (resource_changes rows
-- with action 'delete' newer than the last it saw: app.c, index refresh);
-- this index makes that, and the tenant's newest change id, a seek.
CREATE INDEX resource_changes_tenant_id ON resource_changes(tenant_id, id);
