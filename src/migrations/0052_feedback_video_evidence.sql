-- Feedback media grow: short videos from a phone beside photos, the answer's evidence named by role (before/after
-- photos, a document) and carried by the answer into its publication, and an Open311 client's media_url kept as a
-- link (never fetched). feedback_media is small (at most 10 files per case), so the wider check is validated in place.
ALTER TABLE feedback_media DROP CONSTRAINT feedback_media_mime_check;
ALTER TABLE feedback_media ADD CONSTRAINT feedback_media_mime_check
  CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png', 'video/mp4', 'video/quicktime', 'video/webm'));
-- Parts of a stored video the public never receives (location and other metadata): [start, end, header hex] each,
-- blanked in the published copy without moving any offset (src/feedback/video.ts).
ALTER TABLE feedback_media ADD COLUMN redactions jsonb NOT NULL DEFAULT '[]';
ALTER TABLE feedback_media ADD COLUMN role text CHECK (role IN ('before', 'after', 'document'));
-- Evidence added before roles existed: a document if a PDF, else a photo of the result.
UPDATE feedback_media SET role = CASE WHEN mime = 'application/pdf' THEN 'document' ELSE 'after' END WHERE kind = 'evidence';
ALTER TABLE feedback_media ADD CONSTRAINT feedback_media_role CHECK ((kind = 'evidence') = (role IS NOT NULL));
-- The evidence (feedback_media ids) the drafted answer carries, and what the published answer carried.
ALTER TABLE feedback_cases ADD COLUMN answer_evidence jsonb NOT NULL DEFAULT '[]';
ALTER TABLE feedback_cases ADD COLUMN published_evidence jsonb NOT NULL DEFAULT '[]';
ALTER TABLE feedback_cases ADD COLUMN media_url text CHECK (media_url ~ '^https?://' AND length(media_url) <= 2000);
