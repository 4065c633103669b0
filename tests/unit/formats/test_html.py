from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import detect_format, read_documents

PAGE = """<!DOCTYPE html><html><head><title>Ceasefire talks resume | Example News</title>
<meta property="og:title" content="Ceasefire talks resume in Tripoli">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2019-05-11T10:00:00Z">
<link rel="canonical" href="https://news.example.org/2019/05/ceasefire">
<script>document.title = "SCRIPT RAN"; fetch("https://tracker.example/x");</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Ceasefire talks resume in Tripoli</h1>
<p>Representatives of the Government of National Accord met envoys of Khalifa Haftar on
Saturday, the United Nations said, in the first direct contact since fighting broke out.</p>
<p>"We are ready to talk," a spokesman told reporters in Tripoli, adding that any agreement
would have to include the withdrawal of forces from the capital's southern suburbs.</p></article>
<footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"""


def test_main_text_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    assert detect_format(f) == "html"
    (doc,) = read_documents(f, "html")
    assert "envoys of Khalifa Haftar" in doc.text
    assert "SCRIPT RAN" not in doc.text and "tracker" not in doc.text
    assert "Copyright" not in doc.text
    assert doc.meta["title"] == "Ceasefire talks resume in Tripoli"
    assert doc.meta["published"] == "2019-05-11"
    assert doc.meta["author"] == "Jane Doe"
    assert doc.meta["url"] == "https://news.example.org/2019/05/ceasefire"
    assert doc.spans == ()


def test_page_without_main_text(tmp_path: Path) -> None:
    f = tmp_path / "menu.htm"
    f.write_text(
        "<html><head><title>x</title></head><body><nav>Home</nav></body></html>", encoding="utf-8"
    )
    with pytest.raises(ImportFailed, match=r"menu\.htm: no main text"):
        list(read_documents(f, "html"))
