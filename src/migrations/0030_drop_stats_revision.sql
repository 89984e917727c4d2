-- The live wall now watches committed dossier events (dossiers.committedEvents): no transaction has to update one shared
-- row any more, which serialised every counted event of the province until its commit.
DROP TABLE IF EXISTS stats_revision;
