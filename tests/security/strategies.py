"""Hypothesis strategies for hostile input: any text, text that looks like HTML or script, odd numbers, CSV."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.security import figures

MARKER = "zqx"  # in every HTML-like value, so finding it raw in a page cannot be a coincidence
TRICKY = [
    "",
    " ",
    "\x00",
    "%00",
    "' OR '1'='1' --",
    "{{7*7}}",
    "${7*7}",
    "../../../etc/passwd",
    "\u202egnp.exe",
    "Ｓｃｈｏｏｌ",
    "😀" * 50,
    "=cmd|' /C calc'!A0",
    "a" * 5000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "0x10",
    "9999-12-31",
    "0001-01-01",
]

HTML_TEMPLATES = [
    "<script>alert({n})</script>",
    '<img src=x onerror="alert({n})">',
    '"><svg onload=alert({n})>',
    "'><b>{n}</b>",
    '<a href="javascript:alert({n})">x</a>',
    "</textarea><script>alert({n})</script>",
    "<style>*{{color:red}}</style>{n}",
    "<iframe srcdoc='<p>{n}'>",
]


def html_like() -> st.SearchStrategy[str]:
    """Text a browser would run or render as markup if it were ever shown unescaped."""
    return st.builds(
        lambda template, n, before: before + template.format(n=f"{MARKER}{n}"),
        st.sampled_from(HTML_TEMPLATES),
        st.integers(100_000, 999_999),
        st.text(alphabet="ab c&", max_size=5),
    )


def texts(max_size: int = 300) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=max_size), html_like(), st.sampled_from(TRICKY))


BEYOND_DATABASE = ["2147483648", "-2147483649", "9223372036854775808", "99999999999999999999999"]


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(BEYOND_DATABASE),
        st.sampled_from(TRICKY),
        st.text(max_size=10),
    )


def good_emails() -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z]{1,12}(\.[a-z0-9+]{1,6})?", fullmatch=True).map("{}@example.org".format)


def emails() -> st.SearchStrategy[str]:
    hostile = st.one_of(texts(260), html_like().map(lambda s: s + "@x.org"))
    return st.one_of(good_emails(), good_emails(), hostile)


def assert_shown_escaped(body: str, *values: object) -> None:
    """No HTML-like value appears raw in the page (it may appear escaped, or not at all)."""
    for value in values:
        if isinstance(value, str) and MARKER in value and "<" in value:
            markup = value[value.index("<") :]
            assert markup not in body, f"shown unescaped: {value!r}"


def nul_refused(response: Any, *values: object) -> bool:
    """True when the request held a NUL character and was refused for it, as every request with one is."""
    flat = [item for value in values for item in (value if isinstance(value, list | tuple) else [value])]
    held = any("\x00" in str(item) for item in flat)
    if held:
        assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)
    return held


def counted(name: str, status: int) -> None:
    """Note one fuzz case, and whether the server answered with an error of its own."""
    figures.count("fuzz cases run")
    figures.count(f"fuzz cases run: {name}")
    figures.count("fuzz server errors (5xx)", int(status >= 500))
