"""The store contract, run against every backend: idempotent upserts, revisions kept forever, full-text search,
divergences by id, the digest outbox, runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pipelines.models import AccessState, Article, Claim, Divergence, Mention, OutboxMessage, StoreOutcome
from pipelines.query import QueryError
from pipelines.store import Store
from pipelines.urls import article_id

T0 = datetime(2025, 7, 7, 12, 0, tzinfo=UTC)


def article(url: str, text: str, *, outlet: str = "north", title: str = "A title", hours: int = 0) -> Article:
    return Article(
        id=article_id(url),
        outlet=outlet,
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        fetched_at=T0 + timedelta(hours=hours, minutes=5),
        published_at=T0 + timedelta(hours=hours),
        published_offset="-04:00",
        authors=("Jane Doe", "John Roe"),
    )


def test_storing_the_same_article_twice_does_not_duplicate_it(store: Store) -> None:
    a = article("https://n.example/a", "The truce holds.\nTalks go on.")
    assert store.upsert(a) is StoreOutcome.NEW
    assert store.upsert(replace(a, fetched_at=T0 + timedelta(days=1))) is StoreOutcome.UNCHANGED
    later = replace(a, text="The truce  holds.\n\nTalks go on.", fetched_at=T0 + timedelta(days=2))
    assert store.upsert(later) is StoreOutcome.UNCHANGED
    assert len(store.articles()) == 1
    stored = store.get(a.id)
    assert stored is not None
    assert stored.authors == ("Jane Doe", "John Roe")
    assert stored.published_at == a.published_at
    assert stored.published_offset == "-04:00"
    assert stored.fetched_at == T0 + timedelta(days=2)


def test_a_changed_text_becomes_a_new_revision_and_every_earlier_one_is_kept(store: Store) -> None:
    a = article("https://n.example/a", "Roughly 140 trucks crossed on Tuesday.")
    store.upsert(a)
    assert store.upsert(replace(a, text="Roughly 90 trucks crossed on Tuesday.")) is StoreOutcome.REVISED
    assert store.upsert(replace(a, text="About 90 trucks crossed on Tuesday.")) is StoreOutcome.REVISED
    current = store.get(a.id)
    assert current is not None
    assert current.revision == 3
    assert current.text.startswith("About 90")
    history = store.revisions(a.id)
    assert [r.revision for r in history] == [1, 2, 3]
    assert history[0].text == "Roughly 140 trucks crossed on Tuesday."
    assert len({r.content_hash for r in history}) == 3


def test_search_finds_highlights_and_filters_by_outlet_and_time(store: Store) -> None:
    store.upsert(article("https://n.example/a", "Netanyahu met Trump to discuss a grand bargain for Gaza.", hours=0))
    store.upsert(article("https://s.example/b", "A grand plan for the harbour.", outlet="south", hours=30))
    store.upsert(
        article("https://s.example/c", "The ceasefire in Gaza holds, officials said.", outlet="south", hours=50)
    )
    hits = store.search('"grand bargain"')
    assert [h.article.url for h in hits] == ["https://n.example/a"]
    assert "«grand» «bargain»" in hits[0].snippet or "«grand bargain»" in hits[0].snippet
    assert {h.article.url for h in store.search("gaza")} == {"https://n.example/a", "https://s.example/c"}
    assert [h.article.url for h in store.search("gaza", outlet="south")] == ["https://s.example/c"]
    assert [h.article.url for h in store.search("gaza", since=T0 + timedelta(hours=1))] == ["https://s.example/c"]
    assert [h.article.url for h in store.search("gaza", until=T0 + timedelta(hours=1))] == ["https://n.example/a"]
    assert [h.article.url for h in store.search("gaza -ceasefire")] == ["https://n.example/a"]
    assert {h.article.url for h in store.search("bargain OR harbour")} == {"https://n.example/a", "https://s.example/b"}
    assert {h.article.url for h in store.search("harb*")} == {"https://s.example/b"}
    # groups side by side must all match (a watch query of the shape examples/outlets.toml uses)
    grouped = "(ceasefire OR bargain) (Gaza OR harbour)"
    assert {h.article.url for h in store.search(grouped)} == {"https://n.example/a", "https://s.example/c"}
    assert [h.article.url for h in store.search("(ceasefire OR bargain) (harbour OR Trump) -Gaza")] == []
    assert [h.article.url for h in store.search("Netanyahu (Trump OR harbour)")] == ["https://n.example/a"]


def test_chinese_and_japanese_terms_match_inside_text_written_without_spaces(store: Store) -> None:
    japanese = "イスラエルとハマスの停戦合意が発効した。ガザ地区で支援が再開。"
    store.upsert(article("https://n.example/jp", japanese, title="停戦合意"))
    store.upsert(article("https://n.example/zh", "以色列与哈马斯同意停火，加沙局势缓和。", outlet="south"))
    store.upsert(article("https://n.example/en", "The truce holds in Gaza.", outlet="east"))
    assert [h.article.url for h in store.search("停戦")] == ["https://n.example/jp"]
    assert [h.article.url for h in store.search("停火 加沙")] == ["https://n.example/zh"]
    assert {h.article.url for h in store.search("停戦 OR 停火")} == {"https://n.example/jp", "https://n.example/zh"}
    assert store.search("合意停戦") == []  # the characters must stand in that order
    hit = store.search("ガザ地区")[0]
    # the snippet reads as the article does: the index's own spacing never shows
    assert "ガザ地区" in hit.snippet.replace("«", "").replace("»", "")
    assert "\u2060" not in hit.snippet


def test_search_text_is_never_read_as_sql_or_fts_syntax(store: Store) -> None:
    store.upsert(article("https://n.example/a", "Officials said: 'no comment'; DROP TABLE articles."))
    assert len(store.search("comment'; DROP TABLE articles; --")) == 1
    assert len(store.articles()) == 1


def test_a_revised_article_is_found_by_its_new_words_only(store: Store) -> None:
    a = article("https://n.example/a", "The vote is set for Thursday.")
    store.upsert(a)
    store.upsert(replace(a, text="No vote has been scheduled."))
    assert store.search("Thursday") == []
    assert len(store.search("scheduled")) == 1


def test_a_bad_query_raises_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError):
        store.search("(gaza OR")


def test_copies_are_marked_and_runs_recorded(store: Store) -> None:
    a, b = article("https://n.example/a", "Wire text."), article("https://s.example/a", "Wire text.", outlet="south")
    store.upsert(a)
    store.upsert(b)
    store.mark_duplicate(b.id, a.id)
    assert store.get(b.id).duplicate_of == a.id
    store.record_run("crawl", T0, {"pages": 3})
    assert store.runs()[0]["stats"] == {"pages": 3}


def test_every_article_field_round_trips(store: Store) -> None:
    a = replace(
        article("https://n.example/full", "Wire text about the quake.\nA second paragraph."),
        description="A standfirst.",
        published_source="jsonld",
        published_precision="time",
        modified_at=T0 + timedelta(hours=3),
        modified_offset="+02:00",
        modified_source="meta",
        language="en",
        access_state=AccessState.PAYWALL,
        source="https://n.example/feed.xml",
        signature="m1:12:AAAA",
        syndicated_from="Associated Press",
    )
    store.upsert(a)
    stored = store.get(a.id)
    assert stored == a
    assert stored.content_hash == a.content_hash
    assert (stored.word_count, stored.paragraphs) == (a.word_count, a.paragraphs)


def test_marking_a_copy_keeps_or_sets_its_agency(store: Store) -> None:
    a = article("https://n.example/a", "Wire text.")
    b = replace(article("https://s.example/a", "Wire text.", outlet="south"), syndicated_from="Reuters")
    c = article("https://e.example/a", "Wire text.", outlet="east")
    for x in (a, b, c):
        store.upsert(x)
    store.mark_duplicate(b.id, a.id)
    store.mark_duplicate(c.id, a.id, syndicated_from="Reuters")
    assert (store.get(b.id).duplicate_of, store.get(b.id).syndicated_from) == (a.id, "Reuters")
    assert (store.get(c.id).duplicate_of, store.get(c.id).syndicated_from) == (a.id, "Reuters")
    assert store.get(c.id).duplicate_group == store.get(a.id).duplicate_group == a.id


def divergence(
    id_: str, *, watch: str = "ceasefire", kind: str = "numeric_conflict", note: str = "30,000 vs 58,000"
) -> Divergence:
    a, b = article_id("https://n.example/a"), article_id("https://s.example/b")
    return Divergence(
        id=id_,
        type=kind,
        articles=(a, b),
        evidence={a: "Over 30,000 people have died.", b: "More than 58,000 people have died."},
        spans={a: (0, 29), b: (10, 44)},
        severity=0.4 if kind == "omission" else 0.9,
        note=note,
        watch=watch,
        story="story-1",
        outlets={a: "north", b: "south"},
        urls={a: "https://n.example/a", b: "https://s.example/b"},
        revisions={a: 1, b: 2},
    )


def test_divergences_are_stored_by_id_and_keep_when_they_were_first_seen(store: Store) -> None:
    assert store.upsert_divergences([divergence("d1"), divergence("d2", kind="omission")], T0) == 2
    assert store.upsert_divergences([divergence("d1", note="30,000 vs 59,000")], T0 + timedelta(days=1)) == 0
    found = {d.id: d for d in store.divergences()}
    assert set(found) == {"d1", "d2"}
    d1 = found["d1"]
    assert d1.first_seen == T0
    assert d1.last_seen == T0 + timedelta(days=1)
    assert d1.note == "30,000 vs 59,000"
    assert d1.spans == divergence("d1").spans
    assert d1.outlets == divergence("d1").outlets
    assert d1.revisions == divergence("d1").revisions
    assert d1.evidence == divergence("d1").evidence
    assert found["d2"].last_seen == T0


def test_divergences_filter_by_watch_type_and_last_seen(store: Store) -> None:
    store.upsert_divergences([divergence("d2", kind="omission"), divergence("d1")], T0)
    store.upsert_divergences([divergence("d3", watch="election")], T0 + timedelta(days=2))
    assert {d.id for d in store.divergences(watch="ceasefire")} == {"d1", "d2"}
    assert [d.id for d in store.divergences(kind="omission")] == ["d2"]
    assert [d.id for d in store.divergences(since=T0 + timedelta(days=1))] == ["d3"]
    assert [d.id for d in store.divergences(watch="ceasefire")] == ["d1", "d2"]  # most severe first


def digest(id_: str, *, minutes: int = 0, watch: str = "ceasefire") -> OutboxMessage:
    return OutboxMessage(
        id=id_,
        watch=watch,
        created_at=T0 + timedelta(minutes=minutes, microseconds=1),
        subject="ceasefire: 2 divergences",
        recipients=("desk@example.org", "editor@example.org"),
        message=b"Subject: ceasefire\r\n\r\n\xe2\x80\x9cbody\xe2\x80\x9d\r\n",
        divergences={"d1": "f1", "d2": "f2"},
    )


def test_a_digest_is_recorded_once_and_stays_pending_until_every_recipient_has_it(store: Store) -> None:
    assert store.outbox_add(digest("m1")) is True
    assert store.outbox_add(digest("m1")) is False  # a re-render after a crash makes no second copy
    (pending,) = store.outbox_pending()
    assert pending == digest("m1")
    assert pending.pending == ("desk@example.org", "editor@example.org")
    store.outbox_mark_sent("m1", "desk@example.org", T0 + timedelta(minutes=1))
    store.outbox_mark_sent("m1", "desk@example.org", T0 + timedelta(minutes=2))  # idempotent
    (pending,) = store.outbox_pending()
    assert pending.pending == ("editor@example.org",)
    assert pending.sent == {"desk@example.org": T0 + timedelta(minutes=1)}
    store.outbox_mark_sent("m1", "editor@example.org", T0 + timedelta(minutes=3))
    assert store.outbox_pending() == []


def test_the_last_digest_of_a_watch_is_the_newest_one(store: Store) -> None:
    assert store.outbox_last("ceasefire") is None
    store.outbox_add(digest("m1", minutes=0))
    store.outbox_add(digest("m2", minutes=60))
    store.outbox_add(digest("m3", minutes=120, watch="election"))
    last = store.outbox_last("ceasefire")
    assert last is not None
    assert last.id == "m2"
    assert last.divergences == {"d1": "f1", "d2": "f2"}
    assert [m.id for m in store.outbox_pending()] == ["m1", "m2", "m3"]


def test_retention_prunes_old_revisions_but_never_an_articles_current_one(store: Store) -> None:
    a = article("https://n.example/a", "Roughly 140 trucks crossed on Tuesday.")
    b = article("https://n.example/b", "The envoy flew to Doha.", hours=1)
    store.upsert(a)
    store.upsert(replace(a, text="Roughly 90 trucks crossed on Tuesday.", fetched_at=T0 + timedelta(days=1)))
    store.upsert(replace(a, text="About 90 trucks crossed on Tuesday.", fetched_at=T0 + timedelta(days=3)))
    store.upsert(b)  # one revision only, and old: it is b's current text
    pruned = store.prune_revisions(T0 + timedelta(days=2))
    assert pruned == 2
    assert [r.revision for r in store.revisions(a.id)] == [3]
    assert [r.revision for r in store.revisions(b.id)] == [1]
    current = store.get(a.id)
    assert current is not None
    assert current.revision == 3
    assert current.text.startswith("About 90")
    assert store.prune_revisions(T0 + timedelta(days=2)) == 0


def test_a_batch_upsert_reports_each_outcome_in_order_and_sees_its_own_earlier_items(store: Store) -> None:
    a = article("https://n.example/a", "The truce holds.")
    b = article("https://s.example/b", "Aid trucks crossed.", outlet="south")
    assert store.upsert_many([a, b]) == [StoreOutcome.NEW, StoreOutcome.NEW]
    later = replace(a, text="The truce collapsed overnight.", fetched_at=T0 + timedelta(days=1))
    outcomes = store.upsert_many([replace(b, fetched_at=T0 + timedelta(days=1)), later, replace(later, text="X.")])
    assert outcomes == [StoreOutcome.UNCHANGED, StoreOutcome.REVISED, StoreOutcome.REVISED]
    assert [r.text for r in store.revisions(a.id)] == ["The truce holds.", "The truce collapsed overnight.", "X."]
    assert store.upsert_many([]) == []
    assert len(store.articles()) == 2


def test_articles_are_labelled_with_their_story_and_the_watches_that_selected_them(store: Store) -> None:
    a, b, c = (
        article("https://n.example/a", "One.", hours=0),
        article("https://s.example/b", "Two.", outlet="south", hours=1),
        article("https://s.example/c", "Three.", outlet="south", hours=2),
    )
    store.upsert_many([a, b, c])
    store.label([a.id, b.id], story="story-1", watch="ceasefire")
    store.label([b.id, c.id], watch="election")
    store.label([b.id], watch="ceasefire")  # already there: no second copy
    assert [x.id for x in store.articles(story="story-1")] == [a.id, b.id]
    assert [x.id for x in store.articles(watch="ceasefire")] == [a.id, b.id]
    assert [x.id for x in store.articles(watch="election", outlet="south")] == [b.id, c.id]
    store.upsert(replace(b, text="Two, revised."))  # a new revision keeps its labels
    assert [x.id for x in store.articles(story="story-1", watch="election")] == [b.id]


def test_coverage_counts_articles_per_outlet_and_time_bucket(store: Store) -> None:
    store.upsert_many(
        [
            article("https://n.example/1", "Gaza truce talks.", hours=0),
            article("https://n.example/2", "Gaza truce holds.", hours=3),
            article("https://n.example/3", "Harbour news.", hours=26),
            article("https://s.example/1", "Gaza aid.", outlet="south", hours=30),
        ]
    )
    day0, day1 = T0.replace(hour=0), T0.replace(hour=0) + timedelta(days=1)
    assert store.coverage() == {"north": [(day0, 2), (day1, 1)], "south": [(day1, 1)]}
    assert store.coverage(query="gaza") == {"north": [(day0, 1 + 1)], "south": [(day1, 1)]}
    assert store.coverage(interval="hour", outlet="north", until=T0 + timedelta(hours=4)) == {
        "north": [(T0, 1), (T0 + timedelta(hours=3), 1)]
    }
    monday = T0.replace(hour=0) - timedelta(days=T0.weekday())
    assert store.coverage(interval="week") == {"north": [(monday, 3)], "south": [(monday, 1)]}
    with pytest.raises(ValueError, match="interval"):
        store.coverage(interval="fortnight")


def claim(id_: str, outlets: tuple[str, ...], text: str = "More than 58,000 people have died.") -> Claim:
    mentions = tuple(
        Mention(
            article_id=article_id(f"https://{o}.example/a"),
            outlet=o,
            url=f"https://{o}.example/a",
            revision=1,
            sentence=text,
            start=10 * i,
            end=10 * i + len(text),
            published_at=T0 + timedelta(hours=i) if i else None,
        )
        for i, o in enumerate(outlets)
    )
    return Claim(id=id_, kind="number", text=text, numbers=("58000",), mentions=mentions)


def test_the_claims_of_a_story_are_stored_by_id_widest_first(store: Store) -> None:
    assert store.upsert_claims("story-1", [claim("c1", ("north",)), claim("c2", ("north", "south"))], T0) == 2
    assert store.upsert_claims("story-2", [claim("c1", ("west",))], T0) == 1
    assert store.upsert_claims("story-1", [claim("c1", ("north", "east", "south"))], T0 + timedelta(days=1)) == 0
    found = store.claims("story-1")
    assert [c.id for c in found] == ["c1", "c2"]
    assert found[0] == claim("c1", ("north", "east", "south"))
    assert found[1].mentions[1].published_at == T0 + timedelta(hours=1)
    assert [c.outlets for c in store.claims("story-2")] == [("west",)]
    assert store.claims("nothing") == []


def test_flush_leaves_every_write_readable(store: Store) -> None:
    store.upsert(article("https://n.example/a", "Flushed."))
    store.flush()
    assert [a.text for a in store.articles()] == ["Flushed."]
