"""The address guard: private and loopback hosts refused unless an outlet explicitly allows them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler import run_crawl
from crawler.middlewares import non_public_address
from examples.newsroom import NewsroomServer


@pytest.fixture
def redirector(newsroom_server: NewsroomServer) -> Iterator[str]:
    """A one-feed site whose only article redirects to the newsroom on another port."""
    article = newsroom_server.newsroom.visible("capital-signal", newsroom_server.now)[0]
    target = newsroom_server.origin("capital-signal") + article.path

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body = (
                    f'<rss version="2.0"><channel><title>R</title><item><title>Go</title>'
                    f"<link>{origin}/go</link></item></channel></rss>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path == "/go":
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def write_config(path: Path, homepage: str, feed: str, allow: bool) -> Path:
    path.write_text(
        f'data_dir = "state"\n[crawl]\ndownload_delay_s = 0\n[[outlet]]\nname = "Local"\nhomepage = "{homepage}"\n'
        f'feeds = ["{feed}"]\nallow_private_network = {"true" if allow else "false"}\n',
        encoding="utf-8",
    )
    return path


def test_loopback_addresses_are_not_public() -> None:
    assert non_public_address("127.0.0.1") == "127.0.0.1"
    assert non_public_address("localhost") is not None
    assert non_public_address("169.254.169.254") == "169.254.169.254"


def test_an_outlet_on_a_private_address_is_refused_unless_allowed(
    newsroom_server: NewsroomServer, tmp_path: Path
) -> None:
    origin = newsroom_server.origin("northgate-chronicle")
    refused = run_crawl(write_config(tmp_path / "refused.toml", origin + "/", origin + "/feed.xml", allow=False))
    assert refused.count("new") == 0
    assert refused.stats["newswatch/refused/private_address"] >= 1
    assert newsroom_server.hits() == []
    allowed = run_crawl(write_config(tmp_path / "allowed.toml", origin + "/", origin + "/feed.xml", allow=True))
    assert allowed.count("new") == len(newsroom_server.newsroom.visible("northgate-chronicle", newsroom_server.now))


def test_a_redirect_to_a_private_host_that_was_not_allowed_is_refused(
    redirector: str,
    newsroom_server: NewsroomServer,
    tmp_path: Path,
) -> None:
    result = run_crawl(write_config(tmp_path / "c.toml", redirector + "/", redirector + "/feed.xml", allow=True))
    assert result.count("new") == 0
    assert result.stats["newswatch/refused/private_address"] == 1
    assert newsroom_server.hits() == []


def test_only_http_and_https_are_fetched(tmp_path: Path) -> None:
    from tests.edgeserver import EdgeServer, edge_config

    with EdgeServer(["file:///etc/passwd", "/a/fine"]) as server:
        server.titles = {}
        result = run_crawl(edge_config(tmp_path, {"edge": server}))
        asked = [h.path for h in server.paths("/a/")]
    assert asked == ["/a/fine"]
    assert result.stats["newswatch/refused/scheme"] == 1
    assert result.outlet_stats["edge"]["refused"] == {"scheme": 1}
    assert result.count("new") == 1


def test_a_redirect_hop_to_a_metadata_address_is_refused(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body = f'<rss version="2.0"><channel><item><link>{origin}/go</link></item></channel></rss>'.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(301)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        result = run_crawl(write_config(tmp_path / "c.toml", origin + "/", origin + "/feed.xml", allow=True))
    finally:
        server.shutdown()
        server.server_close()
    assert result.outlet_stats["local"]["refused"] == {"private_address": 1}
    assert result.count("new") == 0
