"""The HTML page (issue #14): escaping, legend, positions table, several documents, and a real browser."""

import shutil
import subprocess
import time

import pytest

from vnner.html import render_html
from vnner.pipeline.decode import Entity
from vnner.positions import PositionHeld


def ent(text: str, part: str, label: str, score: float = 0.9876, start_at: int = 0) -> Entity:
    start = text.index(part, start_at)
    return Entity(part, label, start, start + len(part), score)


TEXT = 'Ông Thái Thanh Quý, Bí thư Tỉnh ủy Nghệ An <script>alert("x")</script> "><img src=x onerror=alert(1)>.'


def sample():
    ents = [ent(TEXT, "Thái Thanh Quý", "PERSON"), ent(TEXT, "Bí thư", "POSITION"),
            ent(TEXT, "Tỉnh ủy Nghệ An", "ORGANIZATION"), ent(TEXT, '<script>alert("x")</script>', "PERSON")]
    return ents, [PositionHeld(ents[0], ents[1], ents[2], False), PositionHeld(ents[3], ents[1], None, True)]


def test_escapes_markup_and_script():
    ents, pos = sample()
    page = render_html(TEXT, ents, pos, ids=['a"><script>bad()</script>'])
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing fetched


def test_legend_hover_and_table():
    ents, pos = sample()
    page = render_html(TEXT, ents, pos)
    assert '<div class="legend">' in page and ">PERSON</span>" in page and ">ORGANIZATION</span>" in page
    assert 'title="PERSON 0.988"' in page
    assert page.count('<mark class="ent') == 4
    assert '<table class="ph">' in page and page.count("<tr><td>") == 2
    assert '<td class="former">yes</td>' in page
    assert '<a href="#d0-4-18">Thái Thanh Quý</a>' in page and 'id="d0-4-18"' in page
    assert "<table" not in render_html(TEXT, ents)  # no positions given: no table


def test_several_documents_are_navigable():
    ents, pos = sample()
    page = render_html([TEXT, "Không có gì."], [ents, []], [pos, []], ids=["one", "two<b>"])
    assert '<a href="#doc-0">one</a>' in page and '<a href="#doc-1">two&lt;b&gt;</a>' in page
    assert 'id="doc-1"' in page and "none found" in page
    with pytest.raises(ValueError):
        render_html([TEXT], [ents, []])
    with pytest.raises(TypeError):
        render_html([TEXT, b"x"], [[], []])


def big_article(size: int = 1_000_000):
    unit = ("Ông Nguyễn Văn An, Bí thư Tỉnh ủy <script>alert(1)</script> và \"><img src=x onerror=alert(2)> "
            "phát biểu tại hội nghị.\n")
    n = size // len(unit) + 1
    text = unit * n
    ents, k = [], 0
    for i in range(n):
        base = i * len(unit)
        ents.append(Entity("Nguyễn Văn An", "PERSON", base + 4, base + 17, 0.99))
        ents.append(Entity("Bí thư", "POSITION", base + 19, base + 25, 0.95))
        ents.append(Entity("Tỉnh ủy", "ORGANIZATION", base + 26, base + 33, 0.9))
        k += 3
    assert text[ents[-1].start:ents[-1].end] == "Tỉnh ủy"
    return text, ents


def test_one_megabyte_article_renders_fast():
    text, ents = big_article()
    pos = [PositionHeld(ents[i], ents[i + 1], ents[i + 2], False) for i in range(0, 300, 3)]
    t = time.perf_counter()
    page = render_html(text, ents, pos)
    assert time.perf_counter() - t < 10
    assert page.count('<mark class="ent') == len(ents)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary found (Debian: apt-get install chromium)")
def test_headless_chromium_renders_highlights_and_runs_nothing(tmp_path):
    text, ents = big_article()
    pos = [PositionHeld(ents[0], ents[1], ents[2], False)]
    page = tmp_path / "page.html"
    page.write_text(render_html(text, ents, pos, ids=["big <b>article</b>"]), encoding="utf-8")
    profile = tmp_path / "profile"
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           "--dump-dom", page.as_uri()]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    dom = result.stdout
    assert result.returncode == 0 and "<html" in dom[:100], result.stderr[-2000:]
    assert dom.count('<mark class="ent') == len(ents)  # every entity highlighted, in the parsed DOM
    assert '<mark class="ent l0" id="d0-4-17" title="PERSON 0.990">Nguyễn Văn An</mark>' in dom
    assert "<script" not in dom and "<img" not in dom and "<b>" not in dom  # nothing injected became an element
    assert dom.count("&lt;script&gt;alert(1)&lt;/script&gt;") == len(ents) // 3
    assert '<table class="ph">' in dom
