-- ipsecpol local store schema (see ipsecpol-store(5)).
--
-- The file is built into the library.  It is a sequence of sections, each opened by a
-- line "-- @version N": section 1 creates the first schema, every later section migrates
-- version N-1 to N.  A new store runs every section; an older store runs those above its
-- PRAGMA user_version.  Sections are only ever appended, never edited once released.
--
-- Conventions: algorithm and kind columns hold the canonical names of the model
-- (store/algo.c); addresses are four columns (kind, addr, addr_end, prefix); ordered
-- children carry a pos column, so a policy tree loads with one query per table.
-- CHECKs spell out "a = x OR a = y" rather than "a IN (x, y, z)": SQLite builds a
-- temporary b-tree for every IN list of more than two values, on every row written.

-- @version 1
CREATE TABLE policy (
	id		INTEGER PRIMARY KEY,
	guid		TEXT NOT NULL UNIQUE CHECK (length(guid) = 38),
	name		TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
	description	TEXT,
	poll_min	INTEGER NOT NULL CHECK (poll_min >= 0),
	mm_life_min	INTEGER NOT NULL CHECK (mm_life_min >= 0),
	mm_qm_per_mm	INTEGER NOT NULL CHECK (mm_qm_per_mm >= 0),
	mm_pfs		INTEGER NOT NULL CHECK (mm_pfs IN (0, 1)),
	defrule_active	INTEGER NOT NULL CHECK (defrule_active IN (0, 1)),
	assigned	INTEGER NOT NULL DEFAULT 0 CHECK (assigned IN (0, 1)),
	changed		INTEGER NOT NULL
);
-- At most one policy is assigned.
CREATE UNIQUE INDEX policy_assigned ON policy (assigned) WHERE assigned = 1;

CREATE TABLE mm_offer (
	policy_id	INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	cipher		TEXT NOT NULL,
	hash		TEXT NOT NULL,
	dhgroup		INTEGER NOT NULL,
	PRIMARY KEY (policy_id, pos)
) WITHOUT ROWID;

CREATE TABLE filterlist (
	id		INTEGER PRIMARY KEY,
	guid		TEXT NOT NULL UNIQUE CHECK (length(guid) = 38),
	name		TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
	description	TEXT,
	changed		INTEGER NOT NULL
);

CREATE TABLE filter (
	list_id		INTEGER NOT NULL REFERENCES filterlist (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	description	TEXT,
	src_kind	TEXT NOT NULL CHECK (src_kind = 'me' OR src_kind = 'any' OR src_kind = 'net' OR
			    src_kind = 'range' OR src_kind = 'dnsname' OR src_kind = 'dns' OR
			    src_kind = 'wins' OR src_kind = 'dhcp' OR src_kind = 'gateway'),
	src_addr	TEXT,
	src_end		TEXT,
	src_prefix	INTEGER CHECK (src_prefix BETWEEN 0 AND 128),
	dst_kind	TEXT NOT NULL CHECK (dst_kind = 'me' OR dst_kind = 'any' OR dst_kind = 'net' OR
			    dst_kind = 'range' OR dst_kind = 'dnsname' OR dst_kind = 'dns' OR
			    dst_kind = 'wins' OR dst_kind = 'dhcp' OR dst_kind = 'gateway'),
	dst_addr	TEXT,
	dst_end		TEXT,
	dst_prefix	INTEGER CHECK (dst_prefix BETWEEN 0 AND 128),
	proto		INTEGER NOT NULL CHECK (proto BETWEEN 0 AND 255),
	sport		INTEGER NOT NULL CHECK (sport BETWEEN 0 AND 65535),
	dport		INTEGER NOT NULL CHECK (dport BETWEEN 0 AND 65535),
	mirrored	INTEGER NOT NULL CHECK (mirrored IN (0, 1)),
	PRIMARY KEY (list_id, pos)
) WITHOUT ROWID;

CREATE TABLE filteraction (
	id		INTEGER PRIMARY KEY,
	guid		TEXT NOT NULL UNIQUE CHECK (length(guid) = 38),
	name		TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 255),
	description	TEXT,
	action		TEXT NOT NULL CHECK (action = 'permit' OR action = 'block' OR action = 'negotiate'),
	inpass		INTEGER NOT NULL CHECK (inpass IN (0, 1)),
	soft		INTEGER NOT NULL CHECK (soft IN (0, 1)),
	changed		INTEGER NOT NULL
);

-- Quick-mode offers of a filter action and of a policy's default response rule.
CREATE TABLE action_offer (
	action_id	INTEGER NOT NULL REFERENCES filteraction (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	proto		TEXT NOT NULL CHECK (proto = 'esp' OR proto = 'ah' OR proto = 'ah+esp'),
	ah_hash		TEXT NOT NULL,
	esp_cipher	TEXT NOT NULL,
	esp_auth	TEXT NOT NULL,
	life_s		INTEGER NOT NULL CHECK (life_s >= 0),
	life_kb		INTEGER NOT NULL CHECK (life_kb >= 0),
	pfs		INTEGER NOT NULL CHECK (pfs IN (0, 1)),
	pfs_group	INTEGER NOT NULL,
	PRIMARY KEY (action_id, pos)
) WITHOUT ROWID;

CREATE TABLE defrule_offer (
	policy_id	INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	proto		TEXT NOT NULL CHECK (proto = 'esp' OR proto = 'ah' OR proto = 'ah+esp'),
	ah_hash		TEXT NOT NULL,
	esp_cipher	TEXT NOT NULL,
	esp_auth	TEXT NOT NULL,
	life_s		INTEGER NOT NULL CHECK (life_s >= 0),
	life_kb		INTEGER NOT NULL CHECK (life_kb >= 0),
	pfs		INTEGER NOT NULL CHECK (pfs IN (0, 1)),
	pfs_group	INTEGER NOT NULL,
	PRIMARY KEY (policy_id, pos)
) WITHOUT ROWID;

-- Shared lists and actions may not vanish under a rule: RESTRICT, not CASCADE.
CREATE TABLE rule (
	id		INTEGER PRIMARY KEY,
	policy_id	INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	guid		TEXT NOT NULL UNIQUE CHECK (length(guid) = 38),
	name		TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	description	TEXT,
	filterlist_id	INTEGER NOT NULL REFERENCES filterlist (id) ON DELETE RESTRICT,
	action_id	INTEGER NOT NULL REFERENCES filteraction (id) ON DELETE RESTRICT,
	tunnel_kind	TEXT CHECK (tunnel_kind = 'me' OR tunnel_kind = 'any' OR
			    tunnel_kind = 'net' OR tunnel_kind = 'range' OR
			    tunnel_kind = 'dnsname' OR tunnel_kind = 'dns' OR
			    tunnel_kind = 'wins' OR tunnel_kind = 'dhcp' OR
			    tunnel_kind = 'gateway'),
	tunnel_addr	TEXT,
	tunnel_end	TEXT,
	tunnel_prefix	INTEGER CHECK (tunnel_prefix BETWEEN 0 AND 128),
	conntype	TEXT NOT NULL CHECK (conntype = 'all' OR conntype = 'lan' OR conntype = 'dialup'),
	active		INTEGER NOT NULL CHECK (active IN (0, 1)),
	UNIQUE (policy_id, name),
	UNIQUE (policy_id, pos)
);
CREATE INDEX rule_filterlist ON rule (filterlist_id);
CREATE INDEX rule_action ON rule (action_id);

-- Authentication methods of a rule and of a policy's default response rule.  A
-- preshared key is kept here in clear, as Windows keeps it: the file is 0600.
CREATE TABLE rule_auth (
	rule_id		INTEGER NOT NULL REFERENCES rule (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind = 'kerberos' OR kind = 'psk' OR kind = 'cert'),
	value		TEXT,
	certmap		INTEGER NOT NULL CHECK (certmap IN (0, 1)),
	excludecaname	INTEGER NOT NULL CHECK (excludecaname IN (0, 1)),
	PRIMARY KEY (rule_id, pos)
) WITHOUT ROWID;

CREATE TABLE defrule_auth (
	policy_id	INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
	pos		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind = 'kerberos' OR kind = 'psk' OR kind = 'cert'),
	value		TEXT,
	certmap		INTEGER NOT NULL CHECK (certmap IN (0, 1)),
	excludecaname	INTEGER NOT NULL CHECK (excludecaname IN (0, 1)),
	PRIMARY KEY (policy_id, pos)
) WITHOUT ROWID;

-- @version 2
-- soft: how long clear traffic with a peer that never answered IKE is allowed (ipseccmd
-- -1e, netsh softsaexpirationtime=); 0 = the default, 300 s.
ALTER TABLE policy ADD COLUMN mm_soft_expire_s INTEGER NOT NULL DEFAULT 300
	CHECK (mm_soft_expire_s >= 0);
