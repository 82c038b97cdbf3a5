from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import CONFIG_ENV, find_config, load_config
from pipelines.errors import ConfigError
from pipelines.store.sqlite import SQLiteStore

GOOD = """
data_dir = "state"

[store]
path = "articles.db"

[crawl]
user_agent = "newswatch-test/1.0"
contact_url = "https://example.org/contact"
timeout_s = 5

[[outlet]]
name = "The Example Times"
homepage = "https://www.example.org/"
feeds = ["https://www.example.org/rss.xml"]
sitemaps = ["https://www.example.org/news-sitemap.xml"]
language = "en"

[[watch]]
name = "ceasefire"
query = 'ceasefire OR "grand bargain"'
recipients = ["desk@example.org"]
schedule = "30 6 * * 1-5"
timezone = "Europe/Berlin"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_config_becomes_typed_objects_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    outlet = config.outlets[0]
    assert outlet.id == "the-example-times"
    assert outlet.feeds == ("https://www.example.org/rss.xml",)
    assert outlet.allow_private_network is False
    assert config.watch("ceasefire").timezone == "Europe/Berlin"
    assert config.store_path == tmp_path / "state" / "articles.db"
    assert config.crawl.timeout_s == 5
    assert "https://example.org/contact" in config.crawl.identity


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        (
            GOOD.replace('homepage = "https://www.example.org/"', 'homepage = "ftp://example.org/"'),
            "outlet[0].homepage",
            "not an http(s) URL",
        ),
        (
            GOOD.replace(
                'feeds = ["https://www.example.org/rss.xml"]\nsitemaps = ["https://www.example.org/news-sitemap.xml"]',
                "",
            ),
            "outlet[0]",
            "at least one of feeds, sitemaps, sections or autodiscover = true",
        ),
        (
            GOOD.replace('timezone = "Europe/Berlin"', 'timezone = "Mars/Olympus"'),
            "watch[0].timezone",
            "not a known time zone",
        ),
        (
            GOOD.replace('schedule = "30 6 * * 1-5"', 'schedule = "every morning"'),
            "watch[0].schedule",
            "cron expression",
        ),
        (
            GOOD.replace('recipients = ["desk@example.org"]', 'recipients = ["desk"]'),
            "watch[0].recipients[0]",
            "not an email",
        ),
        (GOOD.replace("timeout_s = 5", "timeout_s = -1"), "crawl.timeout_s", "greater than 0"),
        (GOOD.replace("timeout_s = 5", "timout_s = 5"), "crawl.timout_s", "unknown key"),
        (GOOD.replace('[store]\npath = "articles.db"', '[store]\nbackend = "elasticsearch"'), "store", "needs url"),
        (
            GOOD
            + '\n[[outlet]]\nname = "The Example Times"\nhomepage = "https://b.example/"\nfeeds = ["https://b.example/f"]\n',
            "",
            "two outlets are named 'the-example-times'",
        ),
        ('data_dir = "x"\n', "outlet", "required key is missing"),
    ],
)
def test_a_bad_config_names_the_file_the_key_and_the_problem(tmp_path: Path, text: str, key: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.path == str(path)
    assert error.key == key
    assert problem in error.problem
    assert str(path) in str(error)


def test_a_file_that_is_not_toml_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[[outlet]\nname = 'x'"))


def test_a_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"file not found .*NEWSWATCH_CONFIG"):
        load_config(tmp_path / "nope.toml")


def test_the_config_path_comes_from_the_flag_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "/etc/newswatch/env.toml")
    assert find_config("given.toml") == Path("given.toml")
    assert find_config(None) == Path("/etc/newswatch/env.toml")
    monkeypatch.delenv(CONFIG_ENV)
    assert find_config(None) == Path("newswatch.toml")


def test_the_config_the_demo_newsroom_writes_is_valid(demo_config) -> None:
    assert len(demo_config.outlets) == 8
    assert all(o.allow_private_network for o in demo_config.outlets)
    assert demo_config.watches[0].name == "gaza-ceasefire"


def test_the_documented_example_config_is_valid() -> None:
    config = load_config(Path(__file__).parent.parent / "examples" / "newswatch.example.toml")
    assert [o.id for o in config.outlets] == ["guardian", "deutsche-welle"]
    assert config.smtp.security == "starttls"


@pytest.mark.parametrize(
    ("crawl", "key", "problem"),
    [
        ("revisit_ages_s = [3600, 900]", "crawl.revisit_ages_s", "increasing"),
        ("revisit_ages_s = [0, 900]", "crawl.revisit_ages_s", "positive"),
        ('revisit = "sometimes"', "crawl.revisit", "'schedule', 'every_run' or 'never'"),
        ("revisit_stop_age_s = 0", "crawl.revisit_stop_age_s", "greater than 0"),
        ("retry_times = 50", "crawl.retry_times", "less than or equal to 10"),
        ("retry_backoff_s = -1", "crawl.retry_backoff_s", "greater than or equal to 0"),
        ("retry_backoff_s = 10\nretry_backoff_max_s = 5", "crawl", "retry_backoff_max_s (5) is below"),
        ("max_page_bytes = 100", "crawl.max_page_bytes", "greater than or equal to 10000"),
        ("max_feed_entries = 0", "crawl.max_feed_entries", "greater than or equal to 1"),
        ("extract_processes = -1", "crawl.extract_processes", "greater than or equal to 0"),
        ('redis_url = "http://localhost:6379"', "crawl.redis_url", "not a Redis URL"),
        ("sitemap_window_days = 0", "crawl.sitemap_window_days", "greater than 0"),
        ("outlet_failures_before_backoff = 0", "crawl.outlet_failures_before_backoff", "greater than or equal to 1"),
    ],
)
def test_bad_crawl_settings_are_named_with_their_units(tmp_path: Path, crawl: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, GOOD.replace("timeout_s = 5", f"timeout_s = 5\n{crawl}")))
    assert caught.value.key == key
    assert problem in caught.value.problem


@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ('deny_urls = ["(unclosed"]', "outlet[0].deny_urls[0]", "not a regular expression"),
        ('allow_urls = ["[a-"]', "outlet[0].allow_urls[0]", "not a regular expression"),
    ],
)
def test_bad_outlet_patterns_are_named(tmp_path: Path, extra: str, key: str, problem: str) -> None:
    text = GOOD.replace('language = "en"', f'language = "en"\n{extra}', 1)
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == key
    assert problem in caught.value.problem


def test_a_query_feed_needs_its_placeholder(tmp_path: Path) -> None:
    text = GOOD.replace(
        'timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\nquery_feeds = ["https://s.example/rss"]'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == "watch[0].query_feeds[0]"
    assert "{query}" in caught.value.problem
    good = text.replace("https://s.example/rss", "https://s.example/rss?q={query}")
    assert load_config(write(tmp_path, good)).watches[0].query_feeds == ("https://s.example/rss?q={query}",)


def test_the_shipped_real_outlets_config_is_valid_and_international(tmp_path: Path) -> None:
    config = load_config(Path(__file__).parent.parent / "examples" / "outlets.toml")
    assert len(config.outlets) >= 25
    assert all(o.language and o.country for o in config.outlets)
    assert all(o.feeds or o.sitemaps for o in config.outlets)
    assert len({o.country for o in config.outlets}) >= 12
    assert len({o.language for o in config.outlets}) >= 6
    assert not any(o.allow_private_network for o in config.outlets)
    watch = config.watch("gaza-ceasefire")
    assert "ceasefire" in watch.query.lower()
    assert config.crawl.download_delay_s >= 0.5  # polite on the public web
    store = SQLiteStore(tmp_path / "store.db")  # every watch query runs on the default store (real FTS5)
    try:
        for w in config.watches:
            assert store.search(w.query) == []
    finally:
        store.close()


def test_digests_are_emailed_only_when_the_file_has_an_smtp_section(tmp_path: Path) -> None:
    base = '[[outlet]]\nname = "A"\nhomepage = "https://a.example/"\nfeeds = ["https://a.example/feed"]\n'
    (tmp_path / "plain.toml").write_text(base, encoding="utf-8")
    (tmp_path / "mail.toml").write_text(base + '[smtp]\nhost = "mail.example.org"\n', encoding="utf-8")
    assert not load_config(tmp_path / "plain.toml").smtp_configured
    assert load_config(tmp_path / "mail.toml").smtp_configured
