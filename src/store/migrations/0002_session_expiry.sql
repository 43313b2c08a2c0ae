-- 0002: expired sessions are deleted at each login (store: session_insert);
-- this index keeps that delete a range scan.
CREATE INDEX sessions_expires ON sessions(expires_at);
