-- A migration only a later role carries (as admin-api's 300s are to beat and the recorder): see MigrationsTest.
CREATE TABLE later_role_only (id bigint PRIMARY KEY);
