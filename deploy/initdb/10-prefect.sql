-- The Prefect server's own database, beside the cooperative's (POSTGRES_DB). Same owner.
CREATE DATABASE prefect;
