-- Databases of the distributed topology besides shecun_read (created by POSTGRES_DB).
CREATE DATABASE shecun_needs;
CREATE DATABASE shecun_organizations;
CREATE DATABASE shecun_donations;
CREATE DATABASE shecun_push;
CREATE DATABASE shecun_relay;
-- Evidence files (bytea), shared by the gateway (uploads, downloads) and the needs and donations services.
CREATE DATABASE shecun_evidence;
