"""A small Flask + SQLite ticket server in the shape of MADO-queue, the peer of the bench's REST-issue part.

Started by tests/bench/mado.ts: python3 flask_peer.py <db file> <admin password>. Prints "READY <port>"
when it listens on 127.0.0.1 (a free port). The paths and answers are the HallQ REST ones the bench uses:
  POST /api/auth/login            {"username", "password"} -> {"token"}
  POST /api/halls/<hall>/tickets  {"serviceId"} (Bearer token) -> 201 the ticket
What a plain Flask app does per request: count the service's tickets for the number, count the people
ahead, insert, commit (SQLite defaults: rollback journal, synchronous=FULL, so one fsync'd commit per
ticket), under one lock because SQLite takes one writer. Served by werkzeug's threaded server with
HTTP/1.1 keep-alive (waitress, which MADO-queue uses, is not installed here).
"""
import hmac
import secrets
import sqlite3
import sys
import threading
import time

from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

DB_FILE, PASSWORD = sys.argv[1], sys.argv[2]
TOKEN = secrets.token_urlsafe(24)
app = Flask(__name__)
lock = threading.Lock()
db = sqlite3.connect(DB_FILE, check_same_thread=False)
db.execute(
    "CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, hall TEXT NOT NULL,"
    " service TEXT NOT NULL, number TEXT NOT NULL, status TEXT NOT NULL, issued_at INTEGER NOT NULL)"
)
db.execute("CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (hall, service, status)")
db.commit()


def refuse(status, code):
    return jsonify({"error": {"code": code, "message": code}}), status


@app.post("/api/auth/login")
def login():
    body = request.get_json(silent=True) or {}
    password = body.get("password")
    if body.get("username") != "admin" or not isinstance(password, str) or not hmac.compare_digest(password, PASSWORD):
        return refuse(401, "UNAUTHENTICATED")
    return jsonify({"token": TOKEN})


@app.post("/api/halls/<hall>/tickets")
def issue(hall):
    if not hmac.compare_digest(request.headers.get("Authorization", ""), "Bearer " + TOKEN):
        return refuse(401, "UNAUTHENTICATED")
    body = request.get_json(silent=True)
    service = body.get("serviceId") if isinstance(body, dict) else None
    if not isinstance(service, str) or not 0 < len(service) <= 64 or len(hall) > 40:
        return refuse(400, "VALIDATION_FAILED")
    with lock:
        issued = db.execute("SELECT COUNT(*) FROM tickets WHERE hall = ? AND service = ?", (hall, service)).fetchone()[0]
        ahead = db.execute(
            "SELECT COUNT(*) FROM tickets WHERE hall = ? AND service = ? AND status = 'waiting'", (hall, service)
        ).fetchone()[0]
        number = "A%03d" % (issued + 1)
        now = int(time.time() * 1000)
        ticket_id = db.execute(
            "INSERT INTO tickets (hall, service, number, status, issued_at) VALUES (?, ?, ?, 'waiting', ?)",
            (hall, service, number, now),
        ).lastrowid
        db.commit()
    return jsonify({"id": str(ticket_id), "number": number, "serviceId": service, "ahead": ahead, "issuedAt": now}), 201


class KeepAlive(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs):
        pass


server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAlive)
print("READY %d" % server.server_port, flush=True)
server.serve_forever()
