#!/usr/bin/python3
"""SMTP server for the aanmeld tests (aiosmtpd 1.4, /usr/bin/python3).

Listens on 127.0.0.1 and stores every accepted message in --maildir:

  N.env   the envelope, one item a line:
              from bot@example.org      ("from <>" for the null sender)
              to a@example.org          (one line per recipient)
              helo client.example.org
              tls yes|no
              auth alice                (only after a successful AUTH)
  N.eml   the message exactly as received (CRLF, dot-stuffing undone)

N counts up from 1; N.env is complete before N.eml appears, so a test can
wait for N.eml.

TLS: with --tls-cert/--tls-key the server offers STARTTLS and refuses
MAIL (530) until it was used; with --implicit-tls as well it speaks TLS
from the first byte (smtps).  AUTH (PLAIN, LOGIN; XOAUTH2 with --bearer)
is offered only under TLS and, when --auth or --bearer is given,
required before MAIL.  --bearer may be repeated to accept several tokens.

Failure modes are set at run time through the control file (--control,
default MAILDIR/control).  The server reads and removes it whenever it
exists at the start of an SMTP command, so write it at once (echo >, or
write a temporary file and mv it).  One command a line; they add up:

  accept              forget every failure mode below
  tempfail N          451 4.3.0 at the end of DATA, for the next N messages
  tempfail-rcpt N     451 4.3.0 to the next N RCPT commands
  reject ADDRESS      550 5.1.1 to RCPT TO:<ADDRESS> until "accept"
  reject-data N       554 5.6.0 at the end of DATA, for the next N messages
  drop-after-data N   read the whole DATA, then close the connection
                      without a reply (nothing is stored), N times
  stall-rcpt SECONDS  wait this long before answering the next RCPT (once)
  stall-data SECONDS  wait this long before answering the end of the next
                      DATA (once); then the message is handled as usual
  close-idle          send 421 4.4.2 and close the connections that are
                      idle between transactions now (once; the control
                      file is also checked every 0.1 s for this)

The statistics file (--stats-file, default MAILDIR/stats; rewritten
atomically) holds "name value" lines: connections, tls (handshakes
done), auth_ok, auth_failed, messages (stored), tempfailed, rejected,
dropped.  "grep '^connections ' stats" tells whether a client reused its
connection.  Every session is logged to stderr.

The PID file is written first and the port file (--port-file, for
--port 0) last, once the server listens.  SIGTERM or SIGINT stop it.
"""

import argparse
import asyncio
import base64
import binascii
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

log = logging.getLogger("smtp-server")

STAT_NAMES = ("connections", "tls", "auth_ok", "auth_failed", "messages",
              "tempfailed", "rejected", "dropped")


def write_atomic(path, data):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w" if isinstance(data, str) else "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class State:
    def __init__(self, args):
        self.args = args
        self.maildir = args.maildir
        self.control = args.control or os.path.join(args.maildir, "control")
        self.stats_file = (args.stats_file or
                           os.path.join(args.maildir, "stats"))
        self.stats = dict.fromkeys(STAT_NAMES, 0)
        self.seq = 0
        for name in os.listdir(self.maildir):
            base, ext = os.path.splitext(name)
            if ext in (".eml", ".env") and base.isdigit():
                self.seq = max(self.seq, int(base))
        self.sessions = set()
        self.accept()
        self.write_stats()

    def accept(self):
        self.tempfail = 0
        self.tempfail_rcpt = 0
        self.reject = set()
        self.reject_data = 0
        self.drop_after_data = 0
        self.close_idle = False
        # seconds to wait before the next reply to RCPT, to DATA's dot
        self.stall = {"RCPT": 0.0, "DATA": 0.0}

    async def stall_once(self, command, peer):
        """Waits once as long as the control file asked for command."""
        delay, self.stall[command] = self.stall[command], 0.0
        if delay > 0:
            log.info("%r %s: stalling for %g s", peer, command, delay)
            await asyncio.sleep(delay)

    def count(self, name):
        self.stats[name] += 1
        self.write_stats()

    def write_stats(self):
        write_atomic(self.stats_file,
                     "".join("%s %d\n" % (k, self.stats[k])
                             for k in STAT_NAMES))

    def poll_control(self):
        try:
            with open(self.control) as f:
                text = f.read()
            os.unlink(self.control)
        except FileNotFoundError:
            return
        for line in text.splitlines():
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            try:
                self.command(words)
            except (ValueError, IndexError):
                log.error("control: bad line %r", line)
                continue
            log.info("control: %s", " ".join(words))

    def command(self, words):
        cmd = words[0]
        if cmd == "accept" and len(words) == 1:
            self.accept()
        elif cmd == "tempfail" and len(words) == 2:
            self.tempfail = int(words[1])
        elif cmd == "tempfail-rcpt" and len(words) == 2:
            self.tempfail_rcpt = int(words[1])
        elif cmd == "reject" and len(words) == 2:
            self.reject.add(words[1].lower())
        elif cmd == "reject-data" and len(words) == 2:
            self.reject_data = int(words[1])
        elif cmd == "drop-after-data" and len(words) == 2:
            self.drop_after_data = int(words[1])
        elif cmd in ("stall-rcpt", "stall-data") and len(words) == 2:
            self.stall[cmd[len("stall-"):].upper()] = float(words[1])
        elif cmd == "close-idle" and len(words) == 1:
            self.close_idle = True
        else:
            raise ValueError(cmd)

    def store(self, session, envelope):
        self.seq += 1
        base = os.path.join(self.maildir, str(self.seq))
        env = ["from %s" % envelope.mail_from]
        env += ["to %s" % r for r in envelope.rcpt_tos]
        env.append("helo %s" % session.host_name)
        env.append("tls %s" % ("yes" if session.tls else "no"))
        if session.auth_user is not None:
            env.append("auth %s" % session.auth_user)
        write_atomic(base + ".env", "\n".join(env) + "\n")
        write_atomic(base + ".eml", envelope.original_content)
        self.count("messages")
        return self.seq


class Handler:
    def __init__(self, state):
        self.state = state

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.state.poll_control()
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        st = self.state
        st.poll_control()
        if address == "<>":
            return "501 5.1.3 null recipient"
        await st.stall_once("RCPT", session.peer)
        if st.tempfail_rcpt > 0:
            st.tempfail_rcpt -= 1
            st.count("tempfailed")
            log.info("%r RCPT %s: tempfail", session.peer, address)
            return "451 4.3.0 Try again later (test tempfail-rcpt)"
        if address.lower() in st.reject:
            st.count("rejected")
            log.info("%r RCPT %s: reject", session.peer, address)
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        st = self.state
        st.poll_control()
        if st.drop_after_data > 0:
            st.drop_after_data -= 1
            st.count("dropped")
            log.info("%r DATA: dropping the connection", session.peer)
            # the reply that aiosmtpd writes next goes nowhere
            server.transport.abort()
            return "250 dropped"
        await st.stall_once("DATA", session.peer)
        if st.tempfail > 0:
            st.tempfail -= 1
            st.count("tempfailed")
            log.info("%r DATA: tempfail", session.peer)
            return "451 4.3.0 Try again later (test tempfail)"
        if st.reject_data > 0:
            st.reject_data -= 1
            st.count("rejected")
            log.info("%r DATA: reject", session.peer)
            return "554 5.6.0 Message rejected (test reject-data)"
        n = st.store(session, envelope)
        log.info("%r stored %d.eml from %s to %s", session.peer, n,
                 envelope.mail_from, ", ".join(envelope.rcpt_tos))
        return "250 2.0.0 OK queued as %d" % n

    async def auth_XOAUTH2(self, server, args):
        """XOAUTH2: base64("user=U^Aauth=Bearer T^A^A")."""
        if len(args) == 1:
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False, handled=True)
        else:
            try:
                blob = base64.b64decode(args[1].encode(), validate=True)
            except binascii.Error:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        fields = {}
        for part in blob.split(b"\x01"):
            key, eq, value = part.partition(b"=")
            if eq:
                fields[key] = value
        user = fields.get(b"user", b"").decode(errors="replace")
        auth = fields.get(b"auth", b"").decode(errors="replace")
        ok = any(user == u and auth == "Bearer " + t
                 for u, t in self.state.args.bearer or ())
        return server.verdict(ok, user.encode())


class Server(SMTP):
    """Counts connections, records TLS and the AUTH user, can close idle
    connections with 421 like Postfix does."""

    def __init__(self, state, *args, **kwargs):
        self.state = state
        self.idle_task = None
        super().__init__(*args, **kwargs)

    def _create_session(self):
        session = super()._create_session()
        session.tls = self.state.args.implicit_tls or \
            self._tls_protocol is not None
        session.auth_user = None
        return session

    def connection_made(self, transport):
        first = self.transport is None
        super().connection_made(transport)
        if first:
            self.state.count("connections")
            if self.state.args.implicit_tls:
                self.state.count("tls")
            log.info("%r connection %d", self.session.peer,
                     self.state.stats["connections"])
            self.state.sessions.add(self)
        else:
            self.state.count("tls")
            log.info("%r STARTTLS done", self.session.peer)

    def connection_lost(self, error):
        self.state.sessions.discard(self)
        super().connection_lost(error)

    async def _handle_client(self):
        try:
            await super()._handle_client()
        finally:
            self.state.sessions.discard(self)

    def _getaddr(self, arg):
        # aiosmtpd refuses the null reverse-path that bounces and
        # auto-replies use (RFC 5321 4.5.5)
        if arg is not None and arg.strip().startswith("<>"):
            return "<>", arg.strip()[2:]
        return super()._getaddr(arg)

    def idle(self):
        return (self.transport is not None and self.envelope is not None and
                self.envelope.mail_from is None)

    def close_idle(self):
        log.info("%r closing the idle connection with 421", self.session.peer)
        self._writer.write(b"421 4.4.2 Idle timeout, closing\r\n")
        self.transport.close()

    def verdict(self, ok, user):
        name = user.decode(errors="replace")
        if ok:
            self.state.count("auth_ok")
            log.info("%r AUTH as %s: ok", self.session.peer, name)
            self.session.auth_user = name
            return AuthResult(success=True, handled=False,
                              auth_data=LoginPassword(user, b""))
        self.state.count("auth_failed")
        log.info("%r AUTH as %s: failed", self.session.peer, name)
        return AuthResult(success=False, handled=False)


def make_authenticator(state):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (state.args.auth is not None and
              isinstance(auth_data, LoginPassword) and
              auth_data.login.decode(errors="replace") == state.args.auth[0]
              and auth_data.password.decode(errors="replace") ==
              state.args.auth[1])
        return server.verdict(ok, getattr(auth_data, "login", b"?"))
    return authenticator


def pair(text):
    user, colon, secret = text.partition(":")
    if not colon or not user:
        raise argparse.ArgumentTypeError("expected USER:SECRET")
    return (user, secret)


def parse_args():
    p = argparse.ArgumentParser(description="SMTP server for tests")
    p.add_argument("--port", type=int, default=0,
                   help="TCP port on 127.0.0.1 (0: a free one)")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--pid-file")
    p.add_argument("--maildir", required=True,
                   help="store N.eml and N.env here (created)")
    p.add_argument("--control", help="control file (MAILDIR/control)")
    p.add_argument("--stats-file", help="statistics (MAILDIR/stats)")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true",
                   help="TLS from the start (smtps) instead of STARTTLS")
    p.add_argument("--auth", type=pair, metavar="USER:PASSWORD",
                   help="require AUTH PLAIN/LOGIN with these")
    p.add_argument("--bearer", type=pair, metavar="USER:TOKEN",
                   action="append",
                   help="require AUTH, accept XOAUTH2 with this token "
                   "(repeat for more)")
    p.add_argument("--hostname", default="smtp.test",
                   help="the name in the greeting")
    p.add_argument("--verbose", action="store_true",
                   help="log every command and reply")
    args = p.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    if args.implicit_tls and args.tls_cert is None:
        p.error("--implicit-tls needs --tls-cert and --tls-key")
    return args


async def watch_idle(state):
    while True:
        await asyncio.sleep(0.1)
        state.poll_control()
        if state.close_idle:
            state.close_idle = False
            for s in list(state.sessions):
                if s.idle():
                    state.sessions.discard(s)
                    s.close_idle()


async def serve(args, state):
    loop = asyncio.get_running_loop()
    ctx = None
    if args.tls_cert is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
    auth = args.auth is not None or args.bearer is not None
    if auth and ctx is None:
        log.warning("AUTH is required but never offered without TLS")

    def factory():
        return Server(state, Handler(state),
                      hostname=args.hostname,
                      ident="aanmeld test SMTP server",
                      tls_context=None if args.implicit_tls else ctx,
                      require_starttls=ctx is not None and
                      not args.implicit_tls,
                      # under implicit TLS aiosmtpd does not know the
                      # session is encrypted
                      auth_require_tls=not args.implicit_tls,
                      auth_required=auth,
                      authenticator=make_authenticator(state),
                      auth_exclude_mechanism=None if args.bearer else
                      ["XOAUTH2"],
                      loop=loop)

    server = await loop.create_server(
        factory, host="127.0.0.1", port=args.port,
        ssl=ctx if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set_result, None)
    if args.port_file:
        write_atomic(args.port_file, "%d\n" % port)
    log.info("listening on 127.0.0.1:%d (%s%s)", port,
             "smtps" if args.implicit_tls else
             "STARTTLS required" if ctx else "plain",
             ", AUTH required" if auth else "")
    idle = loop.create_task(watch_idle(state))
    await stop
    idle.cancel()
    server.close()
    log.info("stopping")


def main():
    args = parse_args()
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s: %(message)s")
    # aiosmtpd warns at every AUTH that login_data is deprecated, and
    # does not know that implicit TLS is TLS
    quiet = ("login_data is deprecated", "auth_require_tls == False")
    logging.getLogger("mail.log").addFilter(
        lambda r: not any(q in r.getMessage() for q in quiet))
    warnings.filterwarnings("ignore", message="Requiring AUTH while not")
    os.makedirs(args.maildir, exist_ok=True)
    if args.pid_file:
        write_atomic(args.pid_file, "%d\n" % os.getpid())
    state = State(args)
    asyncio.run(serve(args, state))
    return 0


if __name__ == "__main__":
    sys.exit(main())
