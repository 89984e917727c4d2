SET LOCAL lock_timeout = '5s';
-- Buổi sáng thứ Bảy: the hours an agency's one-stop desk receives on Saturday morning (none when null).
-- Deadlines still count from the next working day (the province-wide calendar); this is reception only.
ALTER TABLE agencies ADD COLUMN saturday_start text, ADD COLUMN saturday_end text;
ALTER TABLE agencies ADD CONSTRAINT agencies_saturday_session CHECK ((saturday_start IS NULL) = (saturday_end IS NULL));
