"""The application the browser tests serve: ``cms.wsgi`` with /static/ and /media/ read from disk.

In production a reverse proxy serves the collected static files and the media in front of
gunicorn (README "Configuration"). This module plays that proxy's part so the browser sees
the site as a visitor does with DEBUG off: hashed ManifestStaticFilesStorage names, the
real 404 page, the security settings.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

from cms.wsgi import application as django_application

# Types the standard library may not know on a minimal system.
EXTRA_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".js": "text/javascript", ".mjs": "text/javascript"}


class FilesInFront:
    """Serve files under URL prefixes from directories, pass everything else to ``app``."""

    def __init__(self, app: Callable, mounts: dict[str, Path]) -> None:
        self.app = app
        self.mounts = {prefix: root.resolve() for prefix, root in mounts.items()}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        # WSGI hands the path over as latin-1; file names may be UTF-8.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        for prefix, root in self.mounts.items():
            if path.startswith(prefix):
                return self._serve(root, path[len(prefix) :], environ, start_response)
        return self.app(environ, start_response)

    @staticmethod
    def _serve(root: Path, relative: str, environ: dict, start_response: Callable) -> Iterable[bytes]:
        target = (root / relative).resolve()
        if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain"), ("Allow", "GET, HEAD")])
            return [b"method not allowed"]
        if not target.is_relative_to(root) or not target.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        content_type = EXTRA_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
        content_type = content_type or "application/octet-stream"
        if content_type.startswith("text/") or content_type in {"image/svg+xml", "application/json"}:
            content_type += "; charset=utf-8"
        body = target.read_bytes()
        start_response(
            "200 OK",
            [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "max-age=3600")],
        )
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]


application = FilesInFront(
    django_application,
    {settings.STATIC_URL: Path(settings.STATIC_ROOT), settings.MEDIA_URL: Path(settings.MEDIA_ROOT)},
)
