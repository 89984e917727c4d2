-- A daily anchor covers the events that existed when it was taken (ids up to last_event_id): historical dossiers
-- imported later, with events dated on an anchored day, do not change what that anchor proves.
ALTER TABLE history_anchors ADD COLUMN last_event_id bigint;
