"""What several browser tests do: log in, search, screenshots, axe-core, watching a page's requests."""

from __future__ import annotations

import base64
import functools
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from .server import ARTIFACTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, ROOT, DemoServer

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# The demo matter the visitor tests look for, and the department whose editor owns it.
LICENCE_MATTER = "营业执照遗失补领"


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artefact (test-artifacts/screenshots/NAME.png)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


# The last TOTP time step each demo account signed in with (per server): a code is accepted once.
_USED_STEPS: dict[tuple[str, str], int] = {}


def current_code(server: DemoServer, username: str) -> str:
    """The demo authenticator's code now, as a phone shows it (waiting for a fresh time step if
    this account already used the current one: django-otp refuses a code twice)."""
    from django_otp.oath import TOTP

    key = base64.b32decode(DEMO_TOTP_SECRET)
    totp = TOTP(key)
    while (step := totp.t()) <= _USED_STEPS.get((server.base_url, username), -1):
        time.sleep(1)
        totp = TOTP(key)
    _USED_STEPS[(server.base_url, username)] = step
    return f"{totp.token():06d}"


def log_in(page: Page, server: DemoServer, username: str) -> None:
    """Sign in to the admin through its login form and the second factor, as a person does."""
    page.goto(server.url("/admin/login/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/2fa/verify/"))
    page.locator("#id_code").fill(current_code(server, username))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def search_from_header(page: Page, query: str) -> None:
    """Type into the header's search box and submit with Enter."""
    box = page.locator("#site-search-q")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))


def open_licence_matter(page: Page, server: DemoServer) -> str:
    """Open the demo licence matter from the public catalog; its URL."""
    page.goto(server.url("/matters/?q=" + LICENCE_MATTER))
    page.locator("main").get_by_role("link", name=LICENCE_MATTER, exact=True).first.click()
    expect(page.locator("h1")).to_have_text(LICENCE_MATTER)
    return page.url


def open_guide_of_current_matter(page: Page) -> str:
    """Follow the matter page's link to its service guide; the guide's URL."""
    page.locator("main").get_by_role("link", name=re.compile("办事指南")).first.click()
    page.wait_for_url(re.compile(r"/guides/.+/$"))
    return page.url


def toggle_elderly(page: Page) -> None:
    page.locator("#elderly-toggle").click()


# The layout viewport's width, not innerWidth: on a phone Chromium zooms out to fit content that
# is too wide, and innerWidth grows with it.
OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && ![...e.children].some(
      (c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 5)
    .map((e) => `${describe(e)} (right edge ${Math.round(e.getBoundingClientRect().right)}px)`);
  return {scroll: root.scrollWidth, width, wide};
}"""


def horizontal_overflow(page: Page) -> str:
    """Empty when the page fits the screen's width; else how wide it is and the widest culprits."""
    found = page.evaluate(OVERFLOW)
    if found["scroll"] <= found["width"]:
        return ""
    return f"{found['scroll']}px wide on a {found['width']}px screen: {', '.join(found['wide'])}"


@functools.cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS.relative_to(ROOT)} is missing: `make browser-deps` runs npm ci.")
    return AXE_JS.read_text() + "\n;true"


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())  # evaluated, not a <script> tag: no CSP in the way
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(v["targets"][:8]) + (f" …(+{len(v['targets']) - 8})" if len(v["targets"]) > 8 else "")
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}: {targets}")
    return "\n".join(lines)


@dataclass
class PageWatch:
    """Everything that went wrong while a page loaded: script errors, failed or foreign requests."""

    origin: str
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    @classmethod
    def on(cls, page: Page, server: DemoServer) -> PageWatch:
        watch = cls(server.base_url)
        page.on("pageerror", lambda error: watch.errors.append(str(error)))
        page.on("console", watch._console)
        page.on("requestfailed", watch._failed)
        page.on("request", watch._request)
        page.on("response", watch._response)
        return watch

    def _failed(self, request) -> None:
        # Chromium cancels an icon fetch it no longer needs (it picked the other <link rel="icon">,
        # or the page moved on): not a fault of the page. A missing icon is a 404, judged in _response.
        if "/favicon" in request.url and "ERR_ABORTED" in (request.failure or ""):
            return
        self.failed.append(f"{request.url} ({request.failure})")

    def _console(self, message) -> None:
        # Chromium logs every failed response too; those are judged in _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _request(self, request) -> None:
        url = urlsplit(request.url)
        if url.scheme in {"http", "https"} and f"{url.scheme}://{url.netloc}" != self.origin:
            self.foreign.append(request.url)

    def _response(self, response) -> None:
        # The document itself may be a 404 on purpose; what it loads must all be there.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed.append(f"{response.url} ({response.status})")

    def problems(self) -> list[str]:
        return (
            [f"script error: {e}" for e in self.errors]
            + [f"failed request: {f}" for f in self.failed]
            + [f"request outside the site (no CDN allowed): {f}" for f in self.foreign]
        )


# Visible text laid on other visible text. Every text node's line boxes (Range.getClientRects),
# cut to what its scrolling or clipping ancestors let show (a visually hidden label is clipped to
# nothing); two boxes of different text nodes overlapping by more than a third of the lower one's
# height and a few pixels across are reported. Tight leading (descenders touching the next line's
# ascenders) stays under that.
OVERLAPS = """() => {
  const clips = new Map();
  const clipOf = (el) => {
    if (!el || el === document.documentElement) return {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    if (clips.has(el)) return clips.get(el);
    let box = clipOf(el.parentElement);
    const style = getComputedStyle(el);
    if (style.position === "fixed") box = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    if (style.overflowX !== "visible" || style.overflowY !== "visible" || style.clip !== "auto"
        || style.clipPath !== "none" || style.contain.includes("paint")) {
      const r = el.getBoundingClientRect();
      box = {left: Math.max(box.left, r.left), top: Math.max(box.top, r.top),
             right: Math.min(box.right, r.right), bottom: Math.min(box.bottom, r.bottom)};
    }
    clips.set(el, box);
    return box;
  };
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const SKIP = ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION"];
  const words = (box) => `${describe(box.el)} "${box.node.data.trim().slice(0, 20)}"`;
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !el || SKIP.includes(el.tagName)) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const clip = clipOf(el);
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const b = {left: Math.max(r.left, clip.left), top: Math.max(r.top, clip.top),
                 right: Math.min(r.right, clip.right), bottom: Math.min(r.bottom, clip.bottom)};
      if (b.right - b.left > 2 && b.bottom - b.top > 2) boxes.push({...b, h: r.height, node, el});
    }
  }
  boxes.sort((a, b) => a.top - b.top);
  const found = [];
  for (let i = 0; i < boxes.length && found.length < 8; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].top < a.bottom; j++) {
      const b = boxes[j];
      if (a.node === b.node) continue;
      const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (across > 4 && down > Math.min(a.h, b.h) / 3) {
        found.push(`${words(a)} and ${words(b)}`);
        break;
      }
    }
  }
  return found;
}"""


def overlapping_text(page: Page) -> list[str]:
    """Pairs of visible text laid on each other (at most eight), described by element and words."""
    return page.evaluate(OVERLAPS)


# A field whose prompt or chosen option is cut off: the text (measured in the field's own font)
# wider than the field's content box (a select also keeps room for its arrow).
CLIPPED_FIELDS = """() => {
  const context = document.createElement("canvas").getContext("2d");
  const found = [];
  for (const field of document.querySelectorAll("input[placeholder], select")) {
    if (!field.checkVisibility({visibilityProperty: true}) || (field.tagName === "INPUT" && field.value)) continue;
    const text = field.tagName === "SELECT" ? (field.selectedOptions[0] || {}).text || "" : field.placeholder;
    const style = getComputedStyle(field);
    context.font = style.font;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      - (field.tagName === "SELECT" && style.appearance !== "none" ? 20 : 0);
    const needed = context.measureText(text.trim()).width;
    if (needed > room + 1) {
      const name = field.id ? "#" + field.id : field.name ? `[name=${field.name}]` : "";
      const what = `${field.tagName.toLowerCase()}${name} "${text.trim().slice(0, 20)}"`;
      found.push(`${what} needs ${Math.ceil(needed)}px, has ${Math.floor(room)}px`);
    }
  }
  return found;
}"""


def clipped_fields(page: Page) -> list[str]:
    """Form fields whose prompt (placeholder) or chosen option does not fit in them."""
    return page.evaluate(CLIPPED_FIELDS)
