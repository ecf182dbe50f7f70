#!/usr/bin/python3
"""Minimal OAuth2 authorization server for the aanmeld test suite.

Standard library only.  Listens on 127.0.0.1 and serves:

  POST /token        client_credentials grant (client auth via form fields
                     or HTTP Basic) -> {"access_token", "token_type",
                     "expires_in", "scope"}
  GET  /tokeninfo    ?access_token=T or "Authorization: Bearer T"
                     (POST with token=T / access_token=T also accepted)
                     -> 200 {"active": true, "username", "exp", ...} for a
                        live token, 200 {"active": false} otherwise
  POST /revoke-all   revoke every token issued so far -> {"revoked": n}
  GET  /stats        counters for assertions (see stats() below)

Dovecot's oauth2 passdb uses /tokeninfo (tokeninfo_url) to validate the
tokens that clients present with AUTHENTICATE XOAUTH2 / OAUTHBEARER.
"""

import argparse
import base64
import binascii
import json
import os
import secrets
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tokens = {}  # token -> {"exp": epoch, "scope": str}
        self.counters = {
            "issued": 0,
            "token_requests": 0,
            "token_errors": 0,
            "tokeninfo_requests": 0,
            "tokeninfo_active": 0,
            "tokeninfo_inactive": 0,
            "revoked": 0,
        }

    def count(self, name, n=1):
        with self.lock:
            self.counters[name] += n

    def issue(self, scope):
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = {
                "exp": time.time() + self.args.expires_in,
                "scope": scope,
            }
            self.counters["issued"] += 1
        return token

    def lookup(self, token):
        with self.lock:
            info = self.tokens.get(token)
            if info is None or time.time() >= info["exp"]:
                return None
            return dict(info)

    def revoke_all(self):
        with self.lock:
            n = len(self.tokens)
            self.tokens.clear()
            self.counters["revoked"] += n
        return n

    def stats(self):
        now = time.time()
        with self.lock:
            out = dict(self.counters)
            out["live"] = sum(1 for t in self.tokens.values() if t["exp"] > now)
        return out


class Handler(BaseHTTPRequestHandler):
    server_version = "aanmeld-test-oauth2/1"
    state = None  # set in main()

    def log_message(self, fmt, *args):
        sys.stderr.write("oauth2-server: %s %s\n" % (self.address_string(),
                                                     fmt % args))
        sys.stderr.flush()

    def send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_form(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}

    def basic_auth(self):
        auth = self.headers.get("Authorization", "")
        if not auth.lower().startswith("basic "):
            return None
        try:
            raw = base64.b64decode(auth[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ("", "")
        cid, _, secret = raw.partition(":")
        # RFC 6749 2.3.1: both parts are form-urlencoded before Basic.
        return (urllib.parse.unquote_plus(cid),
                urllib.parse.unquote_plus(secret))

    def bearer(self):
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return None

    def route(self):
        return urllib.parse.urlsplit(self.path)

    # --- endpoints -------------------------------------------------------

    def do_token(self):
        st = self.state
        a = st.args
        st.count("token_requests")
        form = self.read_form()
        basic = self.basic_auth()
        if basic is not None:
            cid, secret = basic
        else:
            cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        if cid != a.client_id or secret != a.client_secret:
            st.count("token_errors")
            hdr = {"WWW-Authenticate": 'Basic realm="aanmeld-test"'} \
                if basic is not None else None
            self.send_json(401, {"error": "invalid_client"}, hdr)
            return
        if form.get("grant_type") != "client_credentials":
            st.count("token_errors")
            self.send_json(400, {"error": "unsupported_grant_type"})
            return
        scope = form.get("scope", "")
        token = st.issue(scope)
        resp = {"access_token": token, "token_type": "Bearer",
                "expires_in": a.expires_in}
        if scope:
            resp["scope"] = scope
        self.send_json(200, resp)

    def do_tokeninfo(self, form=None):
        st = self.state
        st.count("tokeninfo_requests")
        query = {k: v[0] for k, v in
                 urllib.parse.parse_qs(self.route().query).items()}
        form = form or {}
        token = (query.get("access_token") or form.get("access_token")
                 or form.get("token") or self.bearer() or "")
        info = st.lookup(token) if token else None
        if info is None:
            st.count("tokeninfo_inactive")
            self.send_json(st.args.inactive_status, {"active": False})
            return
        st.count("tokeninfo_active")
        resp = {"active": True, "username": st.args.username,
                "client_id": st.args.client_id, "exp": int(info["exp"])}
        if info["scope"]:
            resp["scope"] = info["scope"]
        self.send_json(200, resp)

    def do_GET(self):
        path = self.route().path
        if path == "/tokeninfo":
            self.do_tokeninfo()
        elif path == "/stats":
            self.send_json(200, self.state.stats())
        else:
            self.send_json(404, {"error": "not_found"})

    def do_POST(self):
        path = self.route().path
        if path == "/token":
            self.do_token()
        elif path == "/tokeninfo":
            self.do_tokeninfo(self.read_form())
        elif path == "/revoke-all":
            self.read_form()
            self.send_json(200, {"revoked": self.state.revoke_all()})
        else:
            self.send_json(404, {"error": "not_found"})


def write_atomic(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0,
                   help="TCP port on 127.0.0.1 (0 = pick a free one)")
    p.add_argument("--port-file", help="write the bound port here")
    p.add_argument("--pid-file", help="write the process id here")
    p.add_argument("--client-id", default="aanmeld")
    p.add_argument("--client-secret", default="s3cret")
    p.add_argument("--username", default="globalgoals")
    p.add_argument("--expires-in", type=int, default=3600,
                   help="token lifetime in seconds (0 = expired at once)")
    p.add_argument("--inactive-status", type=int, default=200,
                   choices=(200, 400, 401),
                   help="HTTP status for an unknown/expired token")
    p.add_argument("--cert", help="serve https with this certificate (PEM)")
    p.add_argument("--key", help="private key for --cert")
    args = p.parse_args()

    Handler.state = State(args)
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    httpd.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True,
                                       do_handshake_on_connect=False)
    port = httpd.server_address[1]

    def cleanup():
        if args.pid_file:
            try:
                os.unlink(args.pid_file)
            except OSError:
                pass

    def on_term(signum, frame):
        cleanup()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if args.pid_file:
        write_atomic(args.pid_file, "%d\n" % os.getpid())
    if args.port_file:
        write_atomic(args.port_file, "%d\n" % port)
    sys.stderr.write("oauth2-server: listening on %s://127.0.0.1:%d\n"
                     % ("https" if args.cert else "http", port))
    sys.stderr.flush()
    try:
        httpd.serve_forever()
    finally:
        cleanup()


if __name__ == "__main__":
    main()
