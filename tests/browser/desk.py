#!/usr/bin/python3
"""The staff's desk (aanmeld-web) in a real browser: headless Chromium
from Debian, driven by Selenium through chromium-driver.

Two stages, each a run of its own, with a pass of the daemon between:
"arrive" refuses a wrong password, logs in, reads the overview and tabs
through it, and with --review opens the review queue and one item,
checks that a decision POST without the CSRF token is refused, approves
the item and finds it on /gemeenten, /uitgaand and /geschiedenis;
"later" reads the overview with its waiting list, checks that POSTs
without or with a wrong token are refused, and downloads the export.
Hostile text (--literal and the like) must be shown as it is, with no
element, script or alert behind it.  On every page it visits it runs
axe-core (WCAG 2.1 A and AA) and takes a full-page screenshot.

Prints its checks as TAP lines without numbers ("ok - ...", "not ok -
...", "# ..."); tests/integration/browser.sh numbers them.  The axe-core
results go to OUT/axe.json (the stages add to it) and the screenshots to
OUT/NN-name.png.
"""

import argparse
import base64
import http.client
import json
import os
import re
import sys
import tempfile
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# WCAG 2.1 level A and AA, as axe-core tags them
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Desk:
    def __init__(self, args):
        self.args = args
        self.base = args.base.rstrip("/")
        self.pages = []  # (name, axe summary), in the order visited
        # the stages run one after another: the pages of those before
        self.json = os.path.join(args.out, "axe.json")
        if os.path.exists(self.json):
            with open(self.json, encoding="utf-8") as f:
                self.pages = [(p.pop("name"), p)
                              for p in json.load(f)["pages"]]
        with open(args.axe, encoding="utf-8") as f:
            self.axe_source = f.read()
        opts = webdriver.ChromeOptions()
        opts.binary_location = args.chromium
        # CI runs as root: Chromium's sandbox needs a user namespace
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
                  "--disable-dev-shm-usage", "--no-first-run",
                  "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--window-size=1280,900", "--lang=nl",
                  "--user-data-dir=" + args.profile):
            opts.add_argument(a)
        # an alert must stay to be seen, not be dismissed for us
        opts.set_capability("unhandledPromptBehavior", "ignore")
        self.driver = webdriver.Chrome(
            service=Service(executable_path=args.chromedriver,
                            log_path=args.driver_log),
            options=opts)
        self.driver.set_script_timeout(60)

    def ok(self, good, what):
        print("%s - %s" % ("ok" if good else "not ok", what), flush=True)
        return good

    def note(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def text(self):
        return self.driver.execute_script(
            "return document.body.textContent")

    # --- every page visited: no injected element, axe-core, a screenshot
    def page(self, name, shot=True):
        d = self.driver
        try:
            d.switch_to.alert
            alert = True
        except NoAlertPresentException:
            alert = False
        self.ok(not alert, "%s: no alert box" % name)
        injected = d.execute_script(
            "return [document.querySelectorAll('script').length,"
            " document.querySelectorAll('img, iframe, object, embed,"
            " [onerror], [onload], [onclick]').length]")
        self.ok(injected == [0, 0],
                "%s: no script and no injected element (%s)"
                % (name, injected))
        self.ok("\u202e" not in self.text(),
                "%s: no bidi override in the text" % name)
        self.axe(name)
        if shot:
            self.screenshot(name)

    def axe(self, name):
        d = self.driver
        # WebDriver's script is not subject to the page's CSP
        d.execute_script(self.axe_source)
        r = d.execute_async_script("""
            var done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
            .then(function (r) {
                done({version: r.testEngine.version,
                      passes: r.passes.length,
                      incomplete: r.incomplete.map(function (v) {
                          return v.id; }),
                      violations: r.violations.map(function (v) {
                          return {id: v.id, impact: v.impact, help: v.help,
                                  nodes: v.nodes.map(function (n) {
                                      return {target: n.target,
                                              html: n.html}; })}; })});
            }, function (e) { done({error: String(e)}); });
            """, AXE_TAGS)
        if not self.ok(isinstance(r, dict) and "error" not in r
                       and r.get("passes", 0) > 0,
                       "%s: axe-core ran (rules passed > 0)" % name):
            self.note("axe-core: %r" % (r,))
            r = {"passes": 0, "incomplete": [], "violations": [],
                 "error": str(r)}
        summary = {"url": d.current_url, "passes": r["passes"],
                   "violations": len(r["violations"]),
                   "incomplete": len(r["incomplete"]),
                   "incomplete_rules": r["incomplete"],
                   "violation_details": r["violations"],
                   "axe": r.get("version")}
        self.pages.append((name, summary))
        self.note("axe-core %s on %s (%s): %d passes, %d violations, "
                  "%d incomplete %s"
                  % (summary["axe"], name, d.current_url, summary["passes"],
                     summary["violations"], summary["incomplete"],
                     summary["incomplete_rules"]))
        for v in r["violations"]:
            for node in v["nodes"]:
                self.note("  %s (%s): %s at %s: %s"
                          % (v["id"], v["impact"], v["help"],
                             node["target"], node["html"]))
        self.ok(not r["violations"],
                "%s: axe-core finds no WCAG 2.1 A/AA violation" % name)

    def screenshot(self, name):
        d = self.driver
        m = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = m.get("cssContentSize", m.get("contentSize"))
        shot = d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"],
                     "height": size["height"], "scale": 1}})
        path = os.path.join(self.args.out,
                            "%02d-%s.png" % (len(self.pages), name))
        self.pages[-1][1]["screenshot"] = os.path.basename(path)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    # --- HTTP beside the browser, with the browser's session cookie
    def http(self, method, path, body=None):
        """status, response, text of METHOD path (a form: body)."""
        u = urllib.parse.urlsplit(self.base)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        headers = {"Cookie": "; ".join(
            "%s=%s" % (k["name"], k["value"])
            for k in self.driver.get_cookies())}
        if body is not None:
            # as the browser's own form would send it, bar the token
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "%s://%s" % (u.scheme, u.netloc)
            headers["Sec-Fetch-Site"] = "same-origin"
            body = urllib.parse.urlencode(body)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, r, data

    # --- the steps
    def submit(self, css):
        """Clicks the element css (a button, a link) and waits for the
        next page: a new document, wholly loaded (a flag on the old
        window is gone)."""
        self.follow(self.driver.find_element(By.CSS_SELECTOR, css))

    def follow(self, element):
        d = self.driver

        def loaded(d):
            try:
                return d.execute_script(
                    "return !window.deskOld &&"
                    " document.readyState === 'complete'")
            except WebDriverException:  # between the two documents
                return False

        d.execute_script("window.deskOld = true")
        element.click()
        WebDriverWait(d, 10).until(loaded)

    def menu(self, label):
        """Follows the menu's link label."""
        self.follow(self.driver.find_element(
            By.XPATH, "//nav//a[normalize-space() = '%s']" % label))

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def table(self, caption):
        """The cells' text of the table whose caption starts so, row by
        row (header cells of a row included)."""
        return [[c.text for c in tr.find_elements(By.XPATH, "th|td")]
                for tr in self.driver.find_elements(
                    By.XPATH, "//table[starts-with(normalize-space(caption),"
                    " '%s')]/tbody/tr" % caption)]

    def where(self):
        return "%s, %r" % (urllib.parse.urlsplit(self.driver.current_url)
                           .path, self.driver.title)

    def keyboard(self):
        """The first Tab stops are the skip link, visible when focused,
        then the menu and Uitloggen, each with a focus ring."""
        d = self.driver
        d.get(self.base + "/")
        stops = []
        for _ in range(9):
            ActionChains(d).send_keys(Keys.TAB).perform()
            stops.append(d.execute_script("""
                var e = document.activeElement,
                    r = e.getBoundingClientRect(), s = getComputedStyle(e);
                return {text: e.textContent.trim(), left: r.left,
                        top: r.top, width: r.width,
                        ring: s.outlineStyle != 'none' &&
                              parseFloat(s.outlineWidth) >= 2};"""))
        self.note("Tab stops: %s" % [t["text"] for t in stops])
        first = stops[0]
        self.ok(first["text"] == "Naar de inhoud" and first["left"] >= 0
                and first["top"] >= 0 and first["width"] > 0,
                "the first Tab stop is the skip link, on screen (%s)"
                % first)
        self.ok([t["text"] for t in stops[1:]] ==
                ["Overzicht", "Gemeenten", "Beoordelen", "Uitgaande mail",
                 "Mail versturen", "Geschiedenis", "Export (CSV)",
                 "Uitloggen"],
                "then the menu and Uitloggen, in order")
        self.ok(all(t["ring"] for t in stops),
                "each Tab stop shows a focus ring")

    def login(self, password):
        d = self.driver
        d.get(self.base + "/login")
        d.find_element(By.ID, "user").send_keys(self.args.user)
        d.find_element(By.ID, "password").send_keys(password)
        self.submit("form[action='/login'] button[type=submit]")

    def overview(self, name):
        """The overview after login: places taken, the waiting list."""
        a, d = self.args, self.driver
        body = self.text()
        self.ok(("Ingelogd als " + a.user) in body,
                "the overview names the user")
        self.ok(a.places in body, "the overview: %r" % a.places)
        got = ["%s|%s" % (r[0], r[2])
               for r in self.table("Wachtlijst") if len(r) >= 3]
        self.ok(got == a.waitlist,
                "the overview: the waiting list in order (%s)" % got)
        if not a.waitlist:
            self.ok("Er staat niemand op de wachtlijst." in body,
                    "the overview says the waiting list is empty")
        for t in a.literal:
            self.ok(t in body, "shown as text: %r" % t)
        self.page(name)

    def logout(self):
        """The logout button (with its token) ends the session: the old
        cookie no longer opens a page."""
        d = self.driver
        jar = "; ".join("%s=%s" % (k["name"], k["value"])
                        for k in d.get_cookies())
        self.submit("form[action='/logout'] button")
        self.ok(urllib.parse.urlsplit(d.current_url).path == "/login",
                "Uitloggen leads to the login page (%s)" % self.where())
        u = urllib.parse.urlsplit(self.base)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("GET", "/", headers={"Cookie": jar})
        r = c.getresponse()
        r.read()
        self.ok(r.status == 303 and r.getheader("Location") == "/login",
                "after Uitloggen the old cookie leads to /login")
        c.close()

    def arrive(self):
        """Stage 1: the login page, a wrong password, the login, the
        overview and its keyboard use."""
        a, d = self.args, self.driver
        d.get(self.base + "/")
        self.ok(urllib.parse.urlsplit(d.current_url).path == "/login",
                "without a session / leads to the login page")
        self.ok(d.title.startswith("Inloggen"), "the login page's title")
        self.page("login")

        self.login(a.password + "-wrong")
        alert = d.find_elements(By.CSS_SELECTOR, "[role=alert]")
        self.ok(alert and alert[0].text ==
                "Gebruikersnaam of wachtwoord onjuist.",
                "a wrong password: the Dutch message is shown")
        self.ok(urllib.parse.urlsplit(d.current_url).path == "/login"
                and d.title.startswith("Inloggen")
                and not d.get_cookies(),
                "a wrong password: still on the login page, no cookie "
                "(%s)" % self.where())
        self.page("login-refused")

        self.login(a.password)
        self.ok(urllib.parse.urlsplit(d.current_url).path == "/"
                and d.title.startswith("Overzicht"),
                "the right password leads to the overview (%s)"
                % self.where())
        cookies = d.get_cookies()
        self.ok(len(cookies) == 1 and cookies[0].get("httpOnly")
                and cookies[0].get("secure")
                and cookies[0].get("sameSite") == "Strict",
                "one session cookie: HttpOnly, Secure, SameSite=Strict")
        self.overview("overview")
        self.keyboard()
        if a.review:
            self.review()
            self.contact()
        self.logout()

    def review(self):
        """The review queue, one item with its hostile subject and sender,
        a decision POST without the token refused, the approval with the
        suggested municipality, and where it shows: the municipalities,
        the outbox, the history."""
        a, d = self.args, self.driver
        self.menu("Beoordelen")
        self.ok(self.path() == "/beoordelen",
                "the menu leads to /beoordelen (%s)" % self.where())
        rows = [r for r in self.table("Te beoordelen")
                if a.review_from in r]
        self.ok(len(rows) == 1, "the queue lists the item from %s"
                % a.review_from)
        for t in a.review_literal:
            self.ok(rows and any(t in c for c in rows[0]),
                    "the queue shows as text: %r" % t)
        self.page("review-queue")

        self.follow(d.find_element(
            By.XPATH, "//table[starts-with(normalize-space(caption),"
            " 'Te beoordelen')]/tbody/tr[contains(., '%s')]//a"
            % a.review_from))
        item = self.path()
        self.ok(item.startswith("/beoordelen/"),
                "the item opens on its own page (%s)" % self.where())
        body = self.text()
        for t in a.review_literal + a.review_sender_literal:
            self.ok(t in body, "the item shows as text: %r" % t)
        self.ok(a.review_reason in body,
                "the item gives the reason in Dutch: %r" % a.review_reason)
        files = [r[0] for r in self.table("Bijlagen") if r]
        for f in a.attachment:
            self.ok(f in files, "the attachment is listed: %r (%s)"
                    % (f, files))
        self.ok(not d.find_elements(By.XPATH, "//a[contains(@href,"
                                    " 'bijlage') or @download]"),
                "no link opens an attachment")
        sel = d.find_elements(By.CSS_SELECTOR, "select[name=gemeente]")
        label = d.execute_script(
            "var s = arguments[0]; return s && s.labels.length ?"
            " s.labels[0].textContent.trim() : null",
            sel[0] if sel else None)
        chosen = d.execute_script("return arguments[0].value", sel[0]) \
            if sel else None
        self.ok(label == "Gemeente" and chosen == a.suggested,
                "the <select> labelled Gemeente preselects %s (%s, %s)"
                % (a.suggested, label, chosen))
        buttons = [b.text for b in d.find_elements(
            By.CSS_SELECTOR, "main form button")]
        self.ok(buttons == ["Goedkeuren", "Afwijzen", "Negeren"],
                "the buttons Goedkeuren, Afwijzen, Negeren (%s)" % buttons)
        self.page("review-item")

        # the decision without the token: refused, the item still open
        status, _, _ = self.http("POST", item + "/goedkeuren",
                                 {"gemeente": a.suggested})
        self.ok(status == 403,
                "POST %s/goedkeuren without CSRF token: 403 (got %d)"
                % (item, status))
        status, _, data = self.http("GET", item)
        self.ok(status == 200 and "<td>Open</td>" in data,
                "after the refused POST the item is still open")

        self.submit("form[action$='/goedkeuren'] button")
        self.ok(self.path() == item and "uitkomst=gedaan" in
                d.current_url,
                "Goedkeuren leads back to the item, done (%s)"
                % d.current_url)
        done = d.find_elements(By.CSS_SELECTOR, "[role=status]")
        self.ok(done and done[0].text.startswith(
            "Uw besluit is vastgelegd."),
            "the item page says the decision is recorded")
        self.ok(("Beoordeeld: goedgekeurd door web:" + a.user) in
                self.text(),
                "the item: approved by web:%s" % a.user)
        self.page("review-approved")

        self.menu("Gemeenten")
        heads = [h.text for h in d.find_elements(
            By.XPATH, "//h2[. = 'Deelnemers']/following-sibling::section"
            "[following-sibling::h2[. = 'Wachtlijst']]/h3")]
        self.ok(a.enrolled in heads,
                "/gemeenten: %s takes part (%s)" % (a.enrolled, heads))
        body = self.text()
        for t in a.review_sender_literal[:1]:
            self.ok(t in body, "/gemeenten shows the contact as text: %r"
                    % t)
        self.page("gemeenten")

        self.menu("Uitgaande mail")
        mails = [r for r in self.table("Uitgaande mail")
                 if a.review_from in r]
        confirm = [r[3] for r in mails
                   if r[2].startswith("Bevestiging deelname")]
        self.ok(len(confirm) == 1,
                "/uitgaand: the confirmation to %s (%s)"
                % (a.review_from, confirm))
        self.page("uitgaand")

        self.menu("Geschiedenis")
        rows = self.table("Geschiedenis")
        self.ok(any(("web:" + a.user) in r and "goedgekeurd" in r
                    and a.suggested in r for r in rows),
                "/geschiedenis: approved by web:%s, %s"
                % (a.user, a.suggested))
        self.page("geschiedenis")

    def later(self):
        """Stage 2, after another pass of the daemon: the overview with
        the waiting list and its hostile names, and the refused POSTs."""
        d = self.driver
        self.login(self.args.password)
        self.ok(urllib.parse.urlsplit(d.current_url).path == "/",
                "logged in again (%s)" % self.where())
        self.overview("overview-full")
        self.questions()
        # a POST without the CSRF token, and with a wrong one: refused,
        # and the session goes on
        for what, form in (("without", {}), ("with a wrong",
                                             {"csrf": "0" * 64})):
            status, _, _ = self.http("POST", "/logout", form)
            self.ok(status == 403,
                    "POST /logout %s CSRF token: 403 (got %d)"
                    % (what, status))
        status, _, data = self.http("GET", "/")
        self.ok(status == 200 and "Ingelogd als" in data,
                "after the refused POSTs the session still works")
        # the export, a download (not a page: no axe-core, no screenshot)
        if self.args.export:
            status, r, data = self.http("GET", "/export.csv")
            self.ok(status == 200
                    and r.getheader("Content-Type", "").startswith(
                        "text/csv")
                    and r.getheader("Content-Disposition", "").startswith(
                        "attachment"),
                    "/export.csv is a CSV download (%d, %s, %s)"
                    % (status, r.getheader("Content-Type"),
                       r.getheader("Content-Disposition")))
            for code in self.args.export:
                self.ok(code in data, "the export lists %s" % code)
            with open(os.path.join(self.args.out, "export.csv"), "w",
                      encoding="utf-8") as f:
                f.write(data)
        self.logout()

    def contact(self):
        """A second contact for Zwolle, typed into the form on
        /gemeenten: listed there at once."""
        d = self.driver
        self.menu("Gemeenten")
        form = d.find_element(By.CSS_SELECTOR, "form[action="
                              "'/gemeenten/GM0193/contact-toevoegen']")
        form.find_element(By.CSS_SELECTOR, "input[type='email']") \
            .send_keys("r.devries@zwolle.nl")
        self.follow(form.find_element(By.CSS_SELECTOR, "button"))
        self.ok(self.path() == "/gemeenten"
                and "r.devries@zwolle.nl" in self.text(),
                "/gemeenten: the contact added with the form is listed (%s)"
                % self.where())
        self.page("contact-added")

    def questions(self):
        """The pages that ask before a withdrawal or a contact's removal,
        reached by their buttons, and the group mail's form and preview:
        none of them changes anything (the database is compared after
        this stage)."""
        d = self.driver
        for name, css in (("withdraw-confirm", "form[method='get']"
                           "[action='/gemeenten/GM0193/terugtrekken']"
                           " button"),
                          ("contact-remove-confirm", "form[method='get']"
                           "[action='/gemeenten/GM0193/contact-verwijderen']"
                           " button")):
            self.menu("Gemeenten")
            self.submit(css)
            self.ok(d.title.startswith("Weet u het zeker?"),
                    "%s: asks first (%s)" % (name, self.where()))
            self.page(name)
        self.menu("Mail versturen")
        self.ok(self.path() == "/versturen",
                "the menu leads to /versturen (%s)" % self.where())
        self.page("send-form")
        d.find_element(By.ID, "onderwerp").send_keys("Verslag <b>sessie 1")
        d.find_element(By.ID, "tekst").send_keys(
            "Geachte {{municipality}},\n\nHet verslag staat online.")
        self.submit("form[action='/versturen/voorbeeld'] button")
        text = self.text()
        self.ok("Verslag <b>sessie 1" in text
                and re.search(r"Geachte (Zwolle|Almere|Utrecht|Delft|"
                              r"Amsterdam),", text) is not None,
                "the preview shows the mail as text, filled in (%s)"
                % self.where())
        self.page("send-preview")

    def corpus(self):
        """Stage 3, after the test corpus went through the daemon: every
        list, and every review item's page, shown without an error, an
        injected element or an axe-core violation (no screenshots of the
        items: they are many)."""
        d = self.driver
        self.login(self.args.password)
        for label, path in (("Overzicht", "/"), ("Beoordelen",
                                                  "/beoordelen")):
            self.menu(label)
            self.ok(self.path() == path and d.title.startswith(label),
                    "%s shows (%s)" % (path, self.where()))
            self.page("corpus-" + (path.strip("/") or "overview"))
        items = [a.get_attribute("href") for a in d.find_elements(
            By.XPATH, "//table/tbody/tr/td[1]/a[starts-with(@href,"
            " '/beoordelen/') or contains(@href, '/beoordelen/')]")]
        self.ok(len(items) >= self.args.corpus_items,
                "the queue lists at least %d items (%d)"
                % (self.args.corpus_items, len(items)))
        bad = []
        for href in items:
            d.get(href)
            if not d.title.startswith("Bericht "):
                bad.append((href, d.title))
            self.page("corpus-item-" + href.rsplit("/", 1)[-1], shot=False)
        self.ok(not bad, "every item's page shows (%s)" % bad)
        for label, path in (("Gemeenten", "/gemeenten"),
                            ("Uitgaande mail", "/uitgaand"),
                            ("Geschiedenis", "/geschiedenis")):
            self.menu(label)
            self.ok(self.path() == path,
                    "%s shows (%s)" % (path, self.where()))
            self.page("corpus-" + path.strip("/"))
        self.logout()

    def write(self):
        with open(self.json, "w", encoding="utf-8") as f:
            json.dump({"tags": AXE_TAGS,
                       "pages": [dict(name=n, **s) for n, s in self.pages]},
                      f, indent=2, ensure_ascii=False)
            f.write("\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=("arrive", "later", "corpus"))
    p.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--user", required=True)
    p.add_argument("--password-file", required=True)
    p.add_argument("--out", required=True, help="screenshots and axe.json")
    p.add_argument("--axe", required=True, help="axe.min.js")
    p.add_argument("--places", required=True,
                   help="the overview's line of places taken")
    p.add_argument("--waitlist", action="append", default=[],
                   help="PLACE|CODE, in order")
    p.add_argument("--literal", action="append", default=[],
                   help="text that must be shown as it is")
    p.add_argument("--review", action="store_true",
                   help="arrive: approve the review item from REVIEW_FROM")
    p.add_argument("--review-from", help="the review item's sender")
    p.add_argument("--review-literal", action="append", default=[],
                   help="its subject's text, shown as it is")
    p.add_argument("--review-sender-literal", action="append", default=[],
                   help="its display name's text, shown as it is")
    p.add_argument("--review-reason", help="its Dutch reason, in part")
    p.add_argument("--attachment", action="append", default=[],
                   help="the name of an attachment it lists")
    p.add_argument("--suggested", help="the municipality preselected")
    p.add_argument("--enrolled", help="the heading of the municipality "
                   "it enrols, on /gemeenten")
    p.add_argument("--corpus-items", type=int, default=1,
                   help="corpus: the fewest review items expected")
    p.add_argument("--export", action="append", default=[],
                   help="later: a code /export.csv must list")
    p.add_argument("--chromium", default="/usr/lib/chromium/chromium")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    p.add_argument("--driver-log", default=os.devnull,
                   help="chromedriver's log")
    a = p.parse_args()
    with open(a.password_file, encoding="utf-8") as f:
        a.password = f.read().strip()
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aanmeld-chromium.") as prof:
        a.profile = prof
        desk = Desk(a)
        try:
            getattr(desk, a.stage)()
        finally:
            desk.write()
            desk.driver.quit()
    # the checks have said what failed: 1 is for a run cut short
    return 0


if __name__ == "__main__":
    sys.exit(main())
