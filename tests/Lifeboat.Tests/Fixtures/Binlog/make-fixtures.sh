#!/usr/bin/env bash
# Regenerates the binlog fixtures from a throwaway MariaDB server and records what
# mariadb-binlog itself reports about each file in expected.json, so the tests compare
# the reader against the server's own tool rather than against numbers we typed.
# Needs root (mariadbd runs as user mysql), mariadb-server, jq and python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export TZ=UTC
D="$(mktemp -d /tmp/lifeboat-binlog-fixtures.XXXXXX)"
chown mysql:mysql "$D"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" || true; fi
  rm -rf "$D"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mariadb-install-db --no-defaults --datadir="$D/data" --user=mysql --auth-root-authentication-method=normal >"$D/install.log" 2>&1

started_at="$(date +%s)"
mariadbd --no-defaults --user=mysql --datadir="$D/data" --socket="$D/s.sock" --port="$port" \
  --skip-networking=0 --bind-address=127.0.0.1 --server-id=7 --log-bin="$D/data/mysql-bin" \
  --binlog-format=ROW --gtid-strict-mode=1 --binlog-checksum=CRC32 --log-error="$D/error.log" &
pid=$!
for _ in $(seq 1 60); do
  mariadb-admin --no-defaults -uroot --socket="$D/s.sock" ping >/dev/null 2>&1 && break
  sleep 0.5
done
mariadb-admin --no-defaults -uroot --socket="$D/s.sock" ping >/dev/null

sql() { mariadb --no-defaults -uroot --socket="$D/s.sock" --default-character-set=utf8mb4 "$@"; }

# mysql-bin.000001: schema, DML, a non-ASCII statement and a DROP TABLE; closed by FLUSH.
sql <<'SQL'
CREATE DATABASE shop;
USE shop;
CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(100), amount DECIMAL(10,2), note TEXT) CHARSET utf8mb4;
INSERT INTO orders (customer, amount, note) VALUES ('alice', 10.50, 'first'), ('bob', 20.00, 'second'), ('carol', 7.25, NULL);
UPDATE orders SET amount = amount * 2 WHERE id = 2;
BEGIN;
INSERT INTO orders (customer, amount) VALUES ('dave', 1.00);
INSERT INTO orders (customer, amount) VALUES ('erin', 2.00);
COMMIT;
CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(200)) CHARSET utf8mb4 COMMENT 'Prüfung: Zoë, Łódź, 東京 🚀';
INSERT INTO notes VALUES (1, 'Zoë Łukasz 東京 🚀');
CREATE TABLE tmp_import (id INT PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO tmp_import VALUES (1), (2), (3);
DROP TABLE tmp_import;
FLUSH BINARY LOGS;
SQL

# mysql-bin.000002: a second GTID domain, bulk rows (several rows events), destructive DML.
sql <<'SQL'
SET SESSION gtid_domain_id = 2;
CREATE DATABASE audit;
CREATE TABLE audit.log (id INT PRIMARY KEY AUTO_INCREMENT, msg VARCHAR(200));
INSERT INTO audit.log (msg) VALUES ('domain two, first'), ('domain two, second');
SET SESSION gtid_domain_id = 0;
USE shop;
INSERT INTO orders (customer, amount, note)
  SELECT CONCAT('bulk-', seq), seq / 10, REPEAT('x', 24) FROM seq_1_to_150;
UPDATE orders SET amount = 0;
DELETE FROM orders;
TRUNCATE TABLE notes;
SET SESSION gtid_domain_id = 2;
INSERT INTO audit.log (msg) VALUES ('domain two, third');
FLUSH BINARY LOGS;
SQL

# mysql-bin.000003: compressed rows and (statement-based) query events; closed by the rotate that
# changing binlog_checksum forces.
sql <<'SQL'
SET GLOBAL log_bin_compress = ON;
SET GLOBAL log_bin_compress_min_len = 10;
USE shop;
INSERT INTO orders (customer, amount, note) VALUES ('compressed', 3.50, REPEAT('compress me ', 40));
SET SESSION binlog_format = STATEMENT;
UPDATE orders SET note = 'statement-based, so the query event itself is compressed' WHERE customer = 'compressed';
DELETE FROM orders;
SET SESSION binlog_format = ROW;
DROP DATABASE audit;
SET GLOBAL log_bin_compress = OFF;
SET GLOBAL binlog_checksum = NONE;
SQL

# mysql-bin.000004: binlog_checksum=NONE.
sql <<'SQL'
USE shop;
INSERT INTO orders (customer, amount) VALUES ('no checksum', 4.00);
DROP TABLE notes;
SET GLOBAL binlog_checksum = CRC32;
SQL

# mysql-bin.000005: copied while the server still writes it, then closed by shutdown.
sql <<'SQL'
USE shop;
INSERT INTO orders (customer, amount) VALUES ('last', 5.00);
SQL
sleep 1
cp "$D/data/mysql-bin.000005" "$D/mysql-bin.000005.active-copy"
mariadb-admin --no-defaults -uroot --socket="$D/s.sock" shutdown
wait "$pid"
pid=""
finished_at="$(date +%s)"

out="$here"
rm -f "$out"/mysql-bin.* "$out/expected.json"
for f in mysql-bin.000001 mysql-bin.000002 mysql-bin.000003 mysql-bin.000004 mysql-bin.000005; do
  cp "$D/data/$f" "$out/$f"
done
cp "$D/mysql-bin.000005.active-copy" "$out/mysql-bin.000005.active-copy"
chmod 644 "$out"/mysql-bin.*

# What mariadb-binlog reports: one "# at N" line per event, then the event's header
# line (time, server id, end_log_pos, checksum, kind), the GTID list and rotate target.
facts() {
  local f="$1" txt="$D/$1.txt"
  mariadb-binlog --no-defaults --base64-output=decode-rows "$out/$f" >"$txt"
  python3 - "$out/$f" "$txt" <<'PY'
import datetime, json, os, re, sys
path, txt = sys.argv[1], sys.argv[2]
lines = open(txt, encoding="utf-8").read().splitlines()
header = re.compile(r"^#(\d{6}) +(\d+):(\d\d):(\d\d) server id (\d+) +end_log_pos (\d+)( CRC32 0x[0-9a-f]+)? \t(.*)$")
offsets = [int(m.group(1)) for m in (re.match(r"^# at (\d+)$", l) for l in lines) if m]
events, gtids, gtid_list, rotate = [], [], None, None
for i, line in enumerate(lines):
    m = header.match(line)
    if not m:
        continue
    day = datetime.datetime.strptime(m.group(1), "%y%m%d").replace(tzinfo=datetime.timezone.utc)
    t = day + datetime.timedelta(hours=int(m.group(2)), minutes=int(m.group(3)), seconds=int(m.group(4)))
    text = m.group(8)
    events.append({"time": int(t.timestamp()), "serverId": int(m.group(5)), "endLogPos": int(m.group(6)),
                   "crc32": m.group(7) is not None, "text": text})
    g = re.match(r"GTID (\d+-\d+-\d+)", text)
    if g:
        gtids.append(g.group(1))
    if text.startswith("Gtid list ["):
        body = text[len("Gtid list ["):]
        j = i + 1
        while not body.endswith("]"):
            body += lines[j].lstrip("# ")
            j += 1
        gtid_list = [x for x in body[:-1].split(",") if x]
    r = re.match(r"Rotate to (\S+)", text)
    if r:
        rotate = r.group(1)
assert len(offsets) == len(events), (path, len(offsets), len(events))
print(json.dumps({
    "file": os.path.basename(path),
    "size": os.path.getsize(path),
    "checksum": "CRC32" if events[0]["crc32"] else "NONE",
    "eventOffsets": offsets,
    "eventEndPositions": [e["endLogPos"] for e in events],
    "eventKinds": [re.split(r"[:\t ]", e["text"])[0] for e in events],
    "firstEventTime": events[0]["time"],
    "lastEventTime": events[-1]["time"],
    "gtids": gtids,
    "gtidList": gtid_list,
    "rotateTo": rotate,
}))
PY
}

{
  for f in mysql-bin.000001 mysql-bin.000002 mysql-bin.000003 mysql-bin.000004 mysql-bin.000005 mysql-bin.000005.active-copy; do
    facts "$f"
  done
} | jq -s --argjson started "$started_at" --argjson finished "$finished_at" \
  '{serverId: 7, generatedAfter: $started, generatedBefore: $finished, files: .}' >"$out/expected.json"

ls -l "$out"
