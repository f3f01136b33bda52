"""Citations: where a rule, a parameter value or a program comes from.

A :class:`Document` is one issued text (a notice, a law, a decision); the
registry of known documents lives in ``data/documents.toml`` beside this
module. A :class:`Citation` points into a document (``article``: the article,
section or paragraph; ``quote``: the words it relies on, kept apart from the
article) and says whether we read it in the primary text (``confirmed``) or
only in secondary material.

References:
    The five seed documents in ``shared/seeds`` and the documents they cite;
    the national texts listed in ``shared/policy-facts.md``.

Limitations:
    Some seed documents print no issue date or no document number; those
    fields are ``None`` rather than guessed.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources

import attrs

from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.core.errors import UnknownCodeError


@attrs.frozen
class Document:
    """One issued document, as the registry knows it."""

    key: str
    title: str
    issuer: str
    number: str | None = None
    date: date | None = None
    url: str | None = None
    seed: str | None = None
    confirmed: bool = False
    #: What is known of the document short of reading it, in Chinese (shown by the docs where it is cited).
    note_zh: str | None = None
    note_en: str | None = None  #: the English twin of ``note_zh``
    #: Further addresses where the text (or a relay of it) was seen, besides ``url``.
    also_at: tuple[str, ...] = ()
    #: True when number and title are attested by other texts although the content was not read.
    attested: bool = False


@attrs.frozen
class Citation:
    """A pointer into a document.

    ``document_number`` is the issued number such as ``财社〔2023〕181号``
    (``None`` when the document carries none); ``article`` names the
    article, section or paragraph (第十条, 四（二）3); ``quote`` holds the
    document's own words the citation relies on; ``seed`` is the seed file name when the
    text is one of the project's sources. ``confirmed`` is False when the
    content was found only in secondary material.
    """

    document_key: str
    document_number: str | None
    title: str
    issuer: str
    date: date | None = None
    article: str | None = None
    quote: str | None = None
    url: str | None = None
    seed: str | None = None
    confirmed: bool = False

    @property
    def label(self) -> str:
        """A short human label: number (or title) and article."""
        head = self.document_number or f"《{self.title}》"
        return f"{head} {self.article}" if self.article else head


def _load_documents() -> dict[str, Document]:
    ref = resources.files("subsidy_rules.core").joinpath("data/documents.toml")
    name = "subsidy_rules/core/data/documents.toml"
    root = Node(name, load_toml(name, text=ref.read_text(encoding="utf-8")))
    return documents_from_node(root)


def documents_from_node(root: Node) -> dict[str, Document]:
    """Read a ``[documents.KEY]`` section (the registry or a user's layer)."""
    out: dict[str, Document] = {}
    for key, node in root.get_named_tables("documents"):
        node.unknown_keys(
            {
                "title",
                "issuer",
                "number",
                "date",
                "url",
                "seed",
                "confirmed",
                "note_zh",
                "note_en",
                "also_at",
                "attested",
            }
        )
        title = node.get_str("title")
        issuer = node.get_str("issuer")
        confirmed = node.get_bool("confirmed", default=False)
        if title is None or issuer is None:
            continue
        out[key] = Document(
            key=key,
            title=title,
            issuer=issuer,
            number=node.get_str("number", required=False),
            date=node.get_date("date", required=False),
            url=node.get_str("url", required=False),
            seed=node.get_str("seed", required=False),
            confirmed=bool(confirmed),
            note_zh=node.get_str("note_zh", required=False),
            note_en=node.get_str("note_en", required=False),
            also_at=node.get_str_list("also_at"),
            attested=bool(node.get_bool("attested", default=False)),
        )
    root.raise_if_problems()
    return out


@cache
def documents() -> dict[str, Document]:
    """The registry of known documents, by key."""
    return _load_documents()


def document(key: str) -> Document:
    try:
        return documents()[key]
    except KeyError:
        raise UnknownCodeError(f"unknown document {key!r}") from None


def cite(
    key: str,
    article: str | None = None,
    *,
    quote: str | None = None,
    confirmed: bool | None = None,
    extra: dict[str, Document] | None = None,
) -> Citation:
    """Make a citation into a registered document.

    ``confirmed`` defaults to the document's own flag; pass ``False`` to mark
    one cited content as unconfirmed even when the document is known.
    ``extra`` adds documents defined elsewhere (for example in a user layer).
    """
    doc = (extra or {}).get(key) or document(key)
    return Citation(
        document_key=doc.key,
        document_number=doc.number,
        title=doc.title,
        issuer=doc.issuer,
        date=doc.date,
        article=article,
        quote=quote,
        url=doc.url,
        seed=doc.seed,
        confirmed=doc.confirmed if confirmed is None else confirmed,
    )
