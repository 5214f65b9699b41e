"""Trainer export: executed notebooks as an offline HTML walkthrough with the suite's look.

nbconvert's HTMLExporter renders each notebook with the ``cjm`` template
(``templates/nbconvert/cjm/``): a table of contents, previous/next links across
the steps, print styles. Before rendering, the parameters and set-up cells are
removed, widget views are replaced by their static 'text/html' card (forms show
as filled-in cards, not dead widgets), and after rendering every reference to
another host is stripped, so a page opens with no network at all.
"""

from __future__ import annotations

__all__ = [
    "HIDDEN_TAGS",
    "TEMPLATE_BASE",
    "TEMPLATE_NAME",
    "TOTAL_STEPS",
    "URL_ATTRIBUTES",
    "WIDGET_MIME",
    "Page",
    "css_references",
    "export_notebooks",
    "external_references",
    "is_external",
    "make_exporter",
    "notebook_title",
    "page_toc",
    "prepare_notebook",
    "read_notebook",
    "render_page",
    "start_export",
    "static_outputs",
    "strip_external",
]

import copy
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from . import paths
from .errors import CJMError
from .i18n import check_language, t
from .text import step_number

HIDDEN_TAGS = frozenset(
    {"parameters", "injected-parameters", "cjm-setup", "remove-cell", "remove_cell"}
)
"""Cells with these tags never appear in an export."""

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TEMPLATE_NAME = "cjm"
TEMPLATE_BASE = paths.TEMPLATES_DIR / "nbconvert"
TOTAL_STEPS = 8

# --- external references --------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {
        "src",
        "href",
        "xlink:href",
        "srcset",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "cite",
        "longdesc",
        "manifest",
        "codebase",
        "archive",
        "usemap",
        "icon",
        "ping",
    }
)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
_LOCAL_SCHEMES = frozenset({"data", "mailto", "about", "blob"})
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1\s*\)?[^;]*;?""", re.IGNORECASE
)


def is_external(url: str) -> bool:
    """True when a URL would make the browser contact another host (or read a file:// path)."""
    value = html.unescape(url).strip()
    if not value or value.startswith("#"):
        return False
    if value.startswith("//") or value.startswith("\\\\"):
        return True
    match = _SCHEME.match(value)
    if match is None:
        return False  # a relative path inside the export folder
    return match.group(1).lower() not in _LOCAL_SCHEMES


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def css_references(css: str) -> list[str]:
    """Every URL a piece of CSS would load: url(...) and @import targets."""
    found = [m.group(2) for m in _CSS_URL.finditer(css)]
    found += [
        m.group(2)
        for m in _CSS_IMPORT.finditer(css)
        if not m.group(0).lower().startswith("@import url(")
    ]
    return found


class _ReferenceScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag.lower() == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.urls.append(values.get("content", "").partition("=")[2].strip(" '\""))
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name == "srcset":
                self.urls.extend(_srcset_urls(value))
            elif name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif name == "style":
                self.urls.extend(css_references(value))
        self._in_style = tag.lower() == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(css_references(data))


def external_references(page: str) -> list[str]:
    """Every URL in ``page`` (attributes, styles) that points at another host; [] means offline."""
    scanner = _ReferenceScanner()
    scanner.feed(page)
    scanner.close()
    return [url for url in scanner.urls if is_external(url)]


_TAG = re.compile(r"""<(?P<name>[a-zA-Z][^\s/>]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>""")
"""A start tag; user text in a page is escaped, so a raw '<' begins a real tag."""
_ATTR_TOKEN = re.compile(
    r"""(?P<lead>\s+)(?P<name>[^\s"'>/=]+)(?:(?P<eq>\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s"'>]+))?"""
)
"""One attribute of a tag, its value included, so text inside a value is never read as an attribute."""
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_META_REFRESH = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh[^>]*>", re.IGNORECASE)


def _clean_css(css: str) -> str:
    css = _CSS_IMPORT.sub(lambda m: "" if is_external(m.group(2)) else m.group(0), css)
    return _CSS_URL.sub(lambda m: "none" if is_external(m.group(2)) else m.group(0), css)


def strip_external(page: str) -> str:
    """Remove every reference to another host: URL attributes are dropped, CSS url()/@import removed.

    Only real attributes of real tags are rewritten; text that merely reads like one
    (``src=https://...`` in a paragraph or inside a title) is left as the user wrote it.
    Link text stays readable; only the address that would be fetched or followed goes.
    """

    def attribute(match: re.Match[str]) -> str:
        raw = match.group("value")
        if raw is None:
            return match.group(0)
        name = match.group("name").lower()
        quote = raw[0] if raw[:1] in "\"'" else ""
        value = raw[1:-1] if quote else raw
        if name == "style":
            quote = quote or '"'
            return f"{match.group('lead')}{match.group('name')}{match.group('eq')}{quote}{_clean_css(value)}{quote}"
        if name in URL_ATTRIBUTES:
            urls = _srcset_urls(value) if name == "srcset" else [value]
            if any(is_external(u) for u in urls):
                return f'{match.group("lead")}data-cjm-offline="1"'
        return match.group(0)

    def tag(match: re.Match[str]) -> str:
        return f"<{match.group('name')}{_ATTR_TOKEN.sub(attribute, match.group('attrs'))}>"

    page = _META_REFRESH.sub("", page)
    page = _STYLE_BLOCK.sub(lambda m: m.group(1) + _clean_css(m.group(2)) + m.group(3), page)
    return _TAG.sub(tag, page)


# --- notebook preparation ---------------------------------------------------------------


def static_outputs(outputs: list[Any]) -> list[Any]:
    """Outputs without live widgets or scripts: a widget view keeps its 'text/html' card, or goes."""
    kept = []
    for output in outputs:
        data = output.get("data")
        if not data:
            kept.append(output)
            continue
        if WIDGET_MIME in data:
            if "text/html" not in data:
                continue  # a widget with no static fallback would only show as a dead repr
            output = copy.deepcopy(output)
            output["data"] = {k: v for k, v in data.items() if k in ("text/html", "text/plain")}
        elif "application/javascript" in data:
            output = copy.deepcopy(output)
            output["data"] = {k: v for k, v in data.items() if k != "application/javascript"}
            if not output["data"]:
                continue
        kept.append(output)
    return kept


EDITIONS: tuple[str, ...] = ("trainer", "learner")
"""Trainer: the forms filled in with the sample (the solutions) and speaker notes on the slides.
Learner: the same pages with every form left blank to fill in, and slides without notes."""

_FORM_CARD = re.compile(r"<div class='cjm-form-card\b.*?</div></div>\s*$", re.DOTALL)
_CARD_TITLE = re.compile(r"(<div class='cjm-card'><h4>).*?(</h4>)", re.DOTALL)
_CARD_VALUE = re.compile(r"<dd>.*?</dd>", re.DOTALL)
BLANK_CSS = (
    "<style>.cjm-blank{display:block;min-height:1.6em;border-bottom:1px solid #9aa7b4;"
    "min-width:12em}.cjm-form-blank .cjm-card{max-width:none;flex:1 1 100%}</style>"
)


def blank_form(card: str) -> str:
    """A filled-in form card with its answers taken out: the labels stay, each value is a line to write on."""

    def blank(match: re.Match[str]) -> str:
        form = _CARD_TITLE.sub(r"\1<span class='cjm-blank'></span>\2", match.group(0))
        form = _CARD_VALUE.sub("<dd><span class='cjm-blank'></span></dd>", form)
        return BLANK_CSS + form.replace(
            "<div class='cjm-form-card", "<div class='cjm-form-blank cjm-form-card", 1
        )

    return _FORM_CARD.sub(blank, card)


def _blank_outputs(outputs: list[Any]) -> list[Any]:
    kept = []
    for output in outputs:
        html_out = output.get("data", {}).get("text/html")
        if html_out is not None:
            text = html_out if isinstance(html_out, str) else "".join(html_out)
            if "cjm-form-card" in text:
                output = copy.deepcopy(output)
                output["data"] = {"text/html": blank_form(text)}
        kept.append(output)
    return kept


def check_edition(edition: str, lang: str = "en") -> str:
    if edition not in EDITIONS:
        raise CJMError(
            t("export.bad_edition", lang, edition=repr(edition), editions=", ".join(EDITIONS))
        )
    return edition


def prepare_notebook(nb: Any, edition: str = "trainer") -> Any:
    """A copy for export: hidden cells removed, widget views replaced by static cards.

    In the learner edition every form card is blank (labels and lines to write on).
    """
    check_edition(edition)
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            continue
        if cell.cell_type == "code":
            cell.outputs = static_outputs(cell.get("outputs", []))
            if edition == "learner":
                cell.outputs = _blank_outputs(cell.outputs)
        cells.append(cell)
    nb.cells = drop_empty_headings(cells)
    nb.metadata.pop("widgets", None)
    return nb


_LAST_HEADING = re.compile(r"(?:^|\n)[ \t]*(#{1,6})[ \t]+\S[^\n]*\s*$")
_STARTS_WITH_HEADING = re.compile(r"^\s*(#{1,6})\s")


def drop_empty_headings(cells: list[Any]) -> list[Any]:
    """The cells without headings left with nothing under them (e.g. 'Set-up' once its code is hidden).

    A heading that ends a markdown cell goes when the next cell starts a heading of the
    same or a higher level, or when nothing follows; a cell left empty goes too.
    """
    kept: list[Any] = []
    for i, cell in enumerate(cells):
        last = _LAST_HEADING.search(cell.source) if cell.cell_type == "markdown" else None
        if last:
            following = cells[i + 1] if i + 1 < len(cells) else None
            nxt = (
                _STARTS_WITH_HEADING.match(following.source)
                if following is not None and following.cell_type == "markdown"
                else None
            )
            if following is None or (nxt and len(nxt.group(1)) <= len(last.group(1))):
                cell.source = cell.source[: last.start()].rstrip()
                if not cell.source.strip():
                    continue
        kept.append(cell)
    return kept


_H1 = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def notebook_title(nb: Any, fallback: str) -> str:
    """The first level-one heading of the notebook's markdown, without markdown marks."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        match = _H1.search(cell.source)
        if match:
            return re.sub(r"[*_`]", "", match.group(1)).strip()
    return fallback


# --- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    source: Path
    href: str
    title: str
    step: int


def _labels(lang: str) -> dict[str, str]:
    return {
        key: t(f"run.export.{key}", lang)
        for key in ("suite", "contents", "previous", "next", "pager", "footer", "on_this_page")
    }


_HEADING = re.compile(
    r"<h([23])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.IGNORECASE | re.DOTALL
)
_TAGS = re.compile(r"<[^>]+>")


def page_toc(page: str, lang: str) -> str:
    """A list of the page's own h2/h3 headings (linked by their ids) for the sidebar."""
    items = []
    for level, anchor, inner in _HEADING.findall(page):
        text = html.unescape(_TAGS.sub("", inner)).replace("¶", "").strip()
        if text:
            items.append(
                f'<li class="cjm-h{level}"><a href="#{html.escape(html.unescape(anchor))}">'
                f"{html.escape(text)}</a></li>"
            )
    if not items:
        return ""
    label = html.escape(t("run.export.on_this_page", lang))
    return f'<ul class="cjm-page-toc" aria-label="{label}">{"".join(items)}</ul>'


def make_exporter(
    no_input: bool, lang: str, template: str = TEMPLATE_NAME, slides: bool = False
) -> Any:
    """nbconvert's HTML (or reveal.js slides) exporter set up with one of the suite's templates."""
    from nbconvert import HTMLExporter, SlidesExporter

    exporter = (SlidesExporter if slides else HTMLExporter)(
        template_name=template,
        extra_template_basedirs=[str(TEMPLATE_BASE)],
        exclude_input=no_input,
        exclude_input_prompt=no_input,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )
    exporter.language_code = lang
    return exporter


def render_page(
    nb: Any,
    resources_path: Path,
    pages: Sequence[Page],
    index: int,
    lang: str,
    no_input: bool,
    home: str = "index.html",
    exporter: Any = None,
    edition: str = "trainer",
) -> str:
    """One notebook as a walkthrough page (already prepared with :func:`prepare_notebook`)."""
    exporter = exporter or make_exporter(no_input, lang)
    current = pages[index] if 0 <= index < len(pages) else None
    step_label = ""
    if current and 1 <= current.step <= TOTAL_STEPS:
        step_label = t("run.progress.step_short", lang, n=current.step, total=TOTAL_STEPS)
    nav = [{"href": p.href, "title": p.title} for p in pages]
    resources = {
        "metadata": {"name": current.title if current else "", "path": str(resources_path)},
        "cjm": {
            "lang": lang,
            "labels": _labels(lang),
            "nav": nav,
            "current": index,
            "home": home,
            "no_input": no_input,
            "step_label": step_label,
            "edition": t(f"export.edition.{edition}", lang),
            "prev": nav[index - 1] if index > 0 else None,
            "next": nav[index + 1] if index < len(nav) - 1 and nav else None,
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace("<!-- cjm-page-toc -->", page_toc(body, lang), 1)
    page = strip_external(body)
    left = external_references(page)
    if left:  # cannot happen after strip_external; refuse rather than ship an online page
        where = current.source if current else t("errors.export.this_page", lang)
        raise CJMError(t("errors.export.dangling_link", lang, page=where, target=left[0]))
    return page


def _index_notebook(pages: Sequence[Page], lang: str, title: str) -> Any:
    import nbformat

    items = "".join(
        f'<li><a href="{html.escape(p.href)}">{html.escape(p.title)}</a></li>' for p in pages
    )
    text = (
        f'# {title}\n\n{t("run.export.index_intro", lang)}\n\n<ol class="cjm-index">{items}</ol>\n'
    )
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])


def notebooks_folder(folder: Path) -> Path:
    """The folder holding the notebooks: ``folder`` itself, or the ``notebooks/`` that `cjm run` wrote inside it."""
    inner = folder / "notebooks"
    if folder.is_dir() and not any(folder.glob("*.ipynb")) and inner.is_dir():
        return inner
    return folder


def read_notebook(file: Path, lang: str = "en") -> Any:
    """The notebook in ``file`` (nbformat 4); a :class:`CJMError` naming the file when it cannot be read."""
    import nbformat

    try:
        return nbformat.read(file, as_version=4)
    except (OSError, ValueError) as exc:  # nbformat raises ValueError subclasses for bad JSON
        raise CJMError(t("errors.export.unreadable", lang, file=file, reason=exc)) from None


def _notebook_files(source: str | os.PathLike[str] | Sequence[Path]) -> list[Path]:
    if isinstance(source, (str, os.PathLike)):
        folder = notebooks_folder(Path(source))
        if not folder.is_dir():
            raise CJMError(t("errors.notebooks.no_folder", folder=folder))
        files = sorted(folder.glob("[0-9][0-9]_*.ipynb")) or sorted(folder.glob("*.ipynb"))
        if not files:
            raise CJMError(t("errors.export.no_notebooks", folder=folder))
        return files
    return [Path(p) for p in source]


def start_export(
    source: str | os.PathLike[str] | Sequence[Path],
    out_dir: str | os.PathLike[str],
    lang: str,
    edition: str,
) -> tuple[str, list[Path], Path]:
    """What pages and decks both begin with: the checked language, the notebooks, the output folder.

    The language and edition are checked and the notebooks found before the folder is made.
    """
    lang = check_language(lang)
    check_edition(edition, lang)
    files = _notebook_files(source)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return lang, files, out


def export_notebooks(
    source: str | os.PathLike[str] | Sequence[Path],
    out_dir: str | os.PathLike[str],
    no_input: bool = False,
    lang: str = "en",
    edition: str = "trainer",
) -> list[Path]:
    """Export notebooks (a folder, the folder `cjm run` wrote, or a list of files) as linked offline HTML pages.

    Writes one ``<name>.html`` per notebook and an ``index.html`` contents page;
    returns the pages written, the index last. ``edition`` is ``trainer`` (forms
    filled in with the sample) or ``learner`` (forms left blank).
    """
    from .store import atomic_write_text

    lang, files, out = start_export(source, out_dir, lang, edition)
    notebooks = [read_notebook(file, lang) for file in files]
    pages = [
        Page(f, f"{f.stem}.html", notebook_title(nb, f.stem), step_number(f))
        for f, nb in zip(files, notebooks)
    ]
    written = []
    exporter = make_exporter(no_input, lang)
    for i, (page, nb) in enumerate(zip(pages, notebooks)):
        text = render_page(
            prepare_notebook(nb, edition),
            page.source.parent,
            pages,
            i,
            lang,
            no_input,
            exporter=exporter,
            edition=edition,
        )
        target = out / page.href
        atomic_write_text(target, text, durable=False)
        written.append(target)
    title = t("run.export.index_title", lang)
    index_text = render_page(
        _index_notebook(pages, lang, title),
        out,
        pages,
        -1,
        lang,
        no_input,
        exporter=exporter,
        edition=edition,
    )
    atomic_write_text(out / "index.html", index_text, durable=False)
    written.append(out / "index.html")
    return written
